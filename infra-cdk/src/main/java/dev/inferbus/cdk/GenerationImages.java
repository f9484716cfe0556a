package dev.inferbus.cdk;

import dev.inferbus.events.catalog.EndpointSpec;
import java.util.Map;

/**
 * The container image a text-generation endpoint runs unless its catalog entry names one: AWS's Deep Learning
 * Containers, pulled from the DLC registry account of the stack's region ("Available Deep Learning Containers
 * Images", https://github.com/aws/deep-learning-containers/blob/master/available_images.md — most regions share
 * 763104351884; the opt-in regions have their own). hf-tgi runs Hugging Face text-generation-inference (TGI 3.3,
 * whose streams carry {@code details.input_length}); openai-chat runs LMI (DJL Serving with vLLM), which takes the
 * chat-completions body on {@code /invocations}.
 */
final class GenerationImages {

    static final String TGI = "huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04";
    static final String LMI = "djl-inference:0.35.0-lmi17.0.0-cu128";
    /** Where a stack without a concrete region gets its images, as the TEI default does. */
    static final String DEFAULT_REGION = "us-east-1";
    private static final String COMMON_ACCOUNT = "763104351884";
    private static final Map<String, String> OWN_ACCOUNTS = Map.of(
            "af-south-1", "626614931356", "ap-east-1", "871362719292", "ap-northeast-3", "364406365360",
            "ap-southeast-3", "907027046896", "eu-south-1", "692866216735", "me-south-1", "217643126080",
            "me-central-1", "914824155844", "cn-north-1", "727897471807", "cn-northwest-1", "727897471807");

    private GenerationImages() {
    }

    /** @param region the stack's region, or null when it is not known at synthesis */
    static String of(EndpointSpec.Format format, String region) {
        String repository = switch (format) {
            case HF_TGI -> TGI;
            case OPENAI_CHAT -> LMI;
            default -> throw new IllegalArgumentException(format.wireName() + " is not a text-generation format");
        };
        String r = region == null ? DEFAULT_REGION : region;
        return OWN_ACCOUNTS.getOrDefault(r, COMMON_ACCOUNT) + ".dkr.ecr." + r + ".amazonaws.com" + (r.startsWith("cn-") ? ".cn" : "")
                + "/" + repository;
    }
}
