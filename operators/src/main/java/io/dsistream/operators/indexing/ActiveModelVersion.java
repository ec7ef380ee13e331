package io.dsistream.operators.indexing;

import io.dsistream.models.serving.IndexingBundle;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

import java.io.Serializable;
import java.util.List;

/**
 * The model version an operator serves, kept in its checkpointed operator state (union list state: after a restore
 * every subtask resumes on the newest version any subtask served), so a restart comes back on the version that
 * was active, not on whatever the registry holds newest by then. 0 means none chosen yet. Beside it, the index
 * generation the operator reads (async retrieve; 0 for the others), checkpointed the same way.
 */
public final class ActiveModelVersion implements Serializable {

    private static final long serialVersionUID = 1L;

    private transient ListState<Integer> state;
    private transient ListState<Integer> generationState;
    private volatile int version;
    private volatile int generation;

    /** Reads the restored version, if any. */
    public void initialize(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("active-model-version", Types.INT));
        int restored = 0;
        for (Integer v : state.get()) {
            restored = Math.max(restored, v);
        }
        version = restored;
        generationState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("active-index-generation", Types.INT));
        int restoredGeneration = 0;
        for (Integer g : generationState.get()) {
            restoredGeneration = Math.max(restoredGeneration, g);
        }
        generation = restoredGeneration;
    }

    /**
     * The bundle an operator opens with: the restored version, or the newest when it starts fresh; that bundle's
     * version becomes the active one.
     */
    public IndexingBundle open(ModelBundleSource source) {
        IndexingBundle bundle = version > 0 ? source.resolve(version) : source.resolve();
        version = bundle.manifest().version();
        return bundle;
    }

    /** The version to serve, 0 when the operator starts fresh (then: the newest). */
    public int version() {
        return version;
    }

    public void set(int newVersion) {
        version = newVersion;
    }

    /** The index generation read (0: the first). */
    public int generation() {
        return generation;
    }

    public void setGeneration(int newGeneration) {
        generation = newGeneration;
    }

    public void snapshot() throws Exception {
        state.update(version > 0 ? List.of(version) : List.of());
        generationState.update(generation > 0 ? List.of(generation) : List.of());
    }
}
