package dev.inferbus.functions.runtime;

import java.util.Collection;
import java.util.Optional;

/** The models a function serves, by catalog id. */
public interface ModelLookup {

    Optional<TaskModel<?>> model(String id);

    Collection<TaskModel<?>> models();
}
