package dev.inferbus.functions.handler;

/**
 * The one init-time wiring of a Lambda process: built when Lambda first constructs a handler (its init phase),
 * so that SnapStart snapshots it. Handlers built with an explicit runtime (tests, the local cloud) never touch it.
 */
final class Init {
    static final FunctionRuntime RUNTIME = FunctionRuntime.fromEnvironment();

    private Init() {
    }
}
