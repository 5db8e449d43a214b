package dev.twin.core.eval;

import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.suite.Recipe;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Some of a suite's tasks, as a suite of their own (the tasks sweep builds a bundle and a router for them). */
record SubsetSuite(TaskSuite parent, List<TaskData> tasks) implements TaskSuite {

    @Override
    public String name() {
        return parent.name() + tasks.stream().map(TaskData::name).toList();
    }

    @Override
    public ArchitectureSpec architecture() {
        return parent.architecture();
    }

    @Override
    public Recipe recipe() {
        return parent.recipe();
    }

    @Override
    public String dataVersion() {
        return parent.dataVersion();
    }

    @Override
    public Optional<Path> tokenizer() {
        return parent.tokenizer();
    }

    @Override
    public int twinRank() {
        return parent.twinRank();
    }

    @Override
    public int selectionItems() {
        return parent.selectionItems();
    }
}
