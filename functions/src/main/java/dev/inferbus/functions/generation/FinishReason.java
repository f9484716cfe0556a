package dev.inferbus.functions.generation;

/**
 * Why a generation ended, as the task's output says it: {@code length} when it reached its {@code maxNewTokens},
 * {@code stop} when the model ended it or a stop sequence did. OpenAI's chat format says no more than that
 * ({@code finish_reason} "stop" | "length"), so TGI's finer {@code eos_token} / {@code stop_sequence} both read as stop.
 */
public enum FinishReason {
    LENGTH, STOP;

    public String wireName() {
        return name().toLowerCase();
    }
}
