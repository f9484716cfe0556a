package dev.inferbus.functions.runtime;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Settles DJL's process-wide settings before its first use: offline (models are local files and nothing may be
 * downloaded), a writable cache (Lambda can only write /tmp), and ONNX Runtime as the engine.
 */
public final class DjlEnvironment {

    public static final String ENGINE = "OnnxRuntime";

    private DjlEnvironment() {
    }

    public static synchronized Engine engine() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.default_engine", ENGINE);
        if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
            Path home = Path.of(System.getProperty("user.home", "/tmp"));
            if (!Files.isWritable(home)) {
                System.setProperty("DJL_CACHE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "djl-cache").toString());
            }
        }
        // The engine must exist before anything calls OrtEnvironment.getEnvironment(), or DJL's init fails.
        return Engine.getEngine(ENGINE);
    }
}
