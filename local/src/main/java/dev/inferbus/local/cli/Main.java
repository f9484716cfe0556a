package dev.inferbus.local.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** {@code ./inferbus <command>}: the entry point the launcher script runs. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out, System.err);
        } catch (Exception e) {
            System.err.println("error: " + e);
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                System.err.println("  caused by: " + cause);
            }
            // the whole trace, for a failure that must be read where it happened (CI)
            if (System.getenv("INFERBUS_DEBUG") != null) {
                e.printStackTrace();
            }
            status = 1;
        }
        System.exit(status);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            err.println(usage());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "score" -> new ScoreCommand(out, err).run(rest);
            case "up" -> new UpCommand(out, err).run(rest);
            case "demo" -> new DemoCommand(out, err).run(rest);
            case "put" -> new PutCommand(out, err).run(rest);
            case "logs" -> new LogsCommand(out, err).run(rest);
            case "serve-endpoint" -> new ServeEndpointCommand(out, err).run(rest);
            default -> {
                err.println("unknown command '" + args[0] + "'\n" + usage());
                yield 2;
            }
        };
    }

    static String usage() {
        return """
                usage: ./inferbus <command>
                  score MODEL JSON   score one input in process and print the output JSON
                  up                 deploy the synthesized template to the embedded local cloud until Ctrl-C (--random-ports)
                  logs FUNCTION      print a function's log in the running 'up' (--follow)
                  demo               put every sample event through the local cloud and check the results
                  put FILE...        put event files on a running 'up' (--endpoint URL) or on AWS (--aws)
                  serve-endpoint MODEL  serve a gpu model's local artifact as a SageMaker container (GET /ping,
                                     POST /invocations; --port 8080 --bind 127.0.0.1), as samples/Dockerfile runs it
                  test               run the whole test suite (./mvnw verify)""";
    }
}
