package io.dsistream.models.encoder;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's autograd off on the current thread until closed, then restores the previous mode.
 *
 * <p>Grad mode is thread-local in PyTorch: DJL switches it off only on the thread that starts the engine, so a
 * forward pass on any other thread (a Flink operator's, an executor's) would record an autograd graph for every
 * parameter that requires gradients. Inference wraps each forward pass in this scope; training code uses DJL's
 * {@code GradientCollector}, which switches it on.
 */
final class NoGradScope implements AutoCloseable {

    private final boolean previous;

    private NoGradScope(boolean previous) {
        this.previous = previous;
    }

    static NoGradScope enter() {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new NoGradScope(previous);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
