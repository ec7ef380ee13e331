package io.dsistream.models.asi;

import ai.djl.ndarray.NDArray;

/**
 * A scalar operand as an array of the caller's scope. DJL's PyTorch engine (0.35.1) implements
 * {@code x.mul(2)}, {@code x.div(ε)}, {@code x.pow(−1)}, {@code x.maximum(0)} and the like by wrapping the number in
 * a tensor over a direct buffer that it closes right after the call; autograd still holds that tensor for the
 * backward pass, and once the garbage collector frees the buffer the backward pass reads freed memory (seen here:
 * NaN and 1e31 gradients, only when a GC ran between forward and backward). An operand created in the scope of the
 * step lives until the step's manager closes, after the backward pass; so every number that enters a
 * differentiable expression in this package goes through here.
 */
final class ScopedScalar {

    private ScopedScalar() {
    }

    /** {@code value} as a float32 scalar array in the manager (and on the device) of {@code sameScopeAs}. */
    static NDArray of(NDArray sameScopeAs, float value) {
        return sameScopeAs.getManager().create(value).toDevice(sameScopeAs.getDevice(), false);
    }
}
