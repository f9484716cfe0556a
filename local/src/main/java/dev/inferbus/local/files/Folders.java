package dev.inferbus.local.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder housekeeping shared by the local cloud's parts. */
public final class Folders {

    private Folders() {
    }

    /**
     * Deletes a folder and everything in it, also where parts were made read-only (a function's task root is,
     * as Lambda's /var/task); a folder that does not exist is fine.
     */
    public static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                if (path.getParent() != null) {
                    path.getParent().toFile().setWritable(true);
                }
                Files.deleteIfExists(path);
            }
        }
    }
}
