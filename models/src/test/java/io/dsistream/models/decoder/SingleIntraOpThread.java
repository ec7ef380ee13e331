package io.dsistream.models.decoder;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with one PyTorch intra-op thread and restores the previous count after. The test decoders are
 * tiny: on a loaded two-core machine a parallel kernel waits for a busy core and a 3 ms step becomes 300 ms.
 */
final class SingleIntraOpThread implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SingleIntraOpThread.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Engine.getEngine("PyTorch");
        context.getStore(NAMESPACE).put("threads", JniUtils.getNumThreads());
        JniUtils.setNumThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Integer previous = context.getStore(NAMESPACE).get("threads", Integer.class);
        if (previous != null) {
            JniUtils.setNumThreads(previous);
        }
    }
}
