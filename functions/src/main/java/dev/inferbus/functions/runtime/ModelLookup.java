package dev.inferbus.functions.runtime;

import dev.inferbus.events.catalog.ModelSpec;
import java.util.Collection;
import java.util.Optional;

/** The models a function serves: one loaded model per catalog id and version. */
public interface ModelLookup {

    /** The loaded model of {@code spec}'s id and version. */
    Optional<TaskModel<?>> model(ModelSpec spec);

    Collection<TaskModel<?>> models();
}
