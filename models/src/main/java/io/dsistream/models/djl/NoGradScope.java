package io.dsistream.models.djl;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns autograd off on the current thread for inference and restores the previous mode on close. PyTorch's grad
 * mode is per thread and on by default in threads DJL did not start from, so without this an operator thread would
 * record a graph for every beam-search step (the parameters require gradients). Other engines: no-op.
 */
public final class NoGradScope implements AutoCloseable {

    private static final String PYTORCH = "PyTorch";

    private final boolean restoreGradMode;

    private NoGradScope(boolean restoreGradMode) {
        this.restoreGradMode = restoreGradMode;
    }

    public static NoGradScope enter(NDManager manager) {
        if (!PYTORCH.equals(manager.getEngine().getEngineName())) {
            return new NoGradScope(false);
        }
        boolean wasOn = JniUtils.isGradMode();
        if (wasOn) {
            JniUtils.setGradMode(false);
        }
        return new NoGradScope(wasOn);
    }

    @Override
    public void close() {
        if (restoreGradMode) {
            JniUtils.setGradMode(true);
        }
    }
}
