package dev.inferbus.cdk;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A Triton model repository holding one ONNX graph, packed as the {@code model.tar.gz} a SageMaker model's
 * {@code ModelDataUrl} names: {@code <model>/config.pbtxt} and {@code <model>/1/model.onnx}, the layout Triton's
 * "Model Repository" guide requires (https://docs.nvidia.com/deeplearning/triton-inference-server/user-guide/docs/user_guide/model_repository.html).
 * The configuration names only the backend: for ONNX models Triton completes inputs and outputs from the graph
 * itself, as inferbus's cpu runtime reads them.
 */
final class TritonRepository {

    private TritonRepository() {
    }

    /**
     * Writes the archive of {@code onnx} served as {@code modelName} to {@code archive}. Every entry has a fixed
     * time and owner and gzip writes no time, so the same graph gives the same bytes and the CDK asset keeps its hash.
     */
    static Path pack(Path onnx, String modelName, Path archive) {
        byte[] config = ("name: \"" + modelName + "\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 0\n")
                .getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(archive.getParent());
            try (OutputStream file = Files.newOutputStream(archive);
                 GZIPOutputStream gzip = new GZIPOutputStream(file);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                entry(tar, modelName + "/config.pbtxt", config.length);
                tar.write(config);
                tar.closeArchiveEntry();
                entry(tar, modelName + "/1/model.onnx", Files.size(onnx));
                Files.copy(onnx, tar);
                tar.closeArchiveEntry();
            }
            return archive;
        } catch (IOException e) {
            throw new UncheckedIOException("packing the Triton repository of " + onnx, e);
        }
    }

    private static void entry(TarArchiveOutputStream tar, String name, long size) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setModTime(0);
        entry.setMode(0644);
        tar.putArchiveEntry(entry);
    }
}
