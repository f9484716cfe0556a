package dev.inferbus.functions.runtime;

import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Translator;
import java.io.IOException;
import java.nio.file.Path;

/** Loads an ONNX file through DJL's ONNX Runtime engine with the task's translator. */
final class OnnxModels {

    private OnnxModels() {
    }

    static <I, O> ZooModel<I, O> load(Path onnx, Class<I> in, Class<O> out, Translator<I, O> translator) throws IOException {
        DjlEnvironment.engine();
        Criteria<I, O> criteria = Criteria.builder()
                .setTypes(in, out)
                .optModelPath(onnx.getParent())
                .optModelName(stripExtension(onnx.getFileName().toString()))
                .optEngine(DjlEnvironment.ENGINE)
                .optTranslator(translator)
                .build();
        try {
            return criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IOException("cannot load " + onnx + ": " + e.getMessage(), e);
        }
    }

    private static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? fileName : fileName.substring(0, dot);
    }
}
