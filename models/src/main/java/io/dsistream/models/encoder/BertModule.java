package io.dsistream.models.encoder;

import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A piece of the BERT encoder whose child blocks carry their Hugging Face names ({@code query},
 * {@code attention}, {@code encoder.layer.3}, …) and can be swapped.
 *
 * <p>Swapping is how adapters attach: a LoRA-family adapter wraps the Linear at
 * {@code encoder.layer.0.attention.self.query} and is put back in its place with {@link #replace}; the wrapper
 * then sits in DJL's child list, so {@link #getParameters()} and a trainer see its parameters, and the forward
 * pass calls it because every module looks its children up by name on each call.
 */
public abstract class BertModule extends AbstractBlock {

    private static final byte VERSION = 1;

    /** Hugging Face child name → index in DJL's {@link #children} list. */
    private final Map<String, Integer> childIndex = new LinkedHashMap<>();

    protected BertModule() {
        super(VERSION);
    }

    /** Registers a child block under its Hugging Face name. */
    protected final <B extends Block> B addNamedChild(String hfName, B block) {
        if (childIndex.containsKey(hfName)) {
            throw new IllegalArgumentException("child '" + hfName + "' is already registered in " + describe());
        }
        childIndex.put(hfName, children.size());
        return addChildBlock(hfName, block);
    }

    /** The child registered under {@code hfName}. */
    public final Block child(String hfName) {
        return children.valueAt(indexOf(hfName));
    }

    /** The Hugging Face names of the direct children, in registration order. */
    public final List<String> childNames() {
        return List.copyOf(childIndex.keySet());
    }

    /** Puts {@code replacement} in the place of the direct child {@code hfName}, keeping DJL's child key. */
    public final void replaceChild(String hfName, Block replacement) {
        int index = indexOf(hfName);
        String key = children.keyAt(index);
        children.remove(index);
        children.add(index, key, replacement);
    }

    /**
     * The block at a dotted Hugging Face path below this module, e.g.
     * {@code encoder.layer.0.attention.self.query} from the encoder root.
     *
     * @throws IllegalArgumentException naming the path if nothing is there
     */
    public final Block find(String hfPath) {
        Pair<BertModule, String> slot = resolve(hfPath, hfPath);
        return slot.getKey().child(slot.getValue());
    }

    /**
     * Replaces the block at a dotted Hugging Face path by {@code wrap.apply(current)}, e.g.
     * {@code bert.replace("encoder.layer.0.attention.self.query", base -> new LoraLinear(base, 8))}; returns the
     * new block. The wrapper is responsible for initialising its own parameters.
     */
    public final Block replace(String hfPath, UnaryOperator<Block> wrap) {
        Pair<BertModule, String> slot = resolve(hfPath, hfPath);
        Block replacement = wrap.apply(slot.getKey().child(slot.getValue()));
        slot.getKey().replaceChild(slot.getValue(), replacement);
        return replacement;
    }

    /**
     * Every parameter below this module under its Hugging Face name ({@code prefix} + path + parameter), the
     * names the pretrained checkpoints use. Describes the base model: call it before adapters wrap children.
     */
    public final Map<String, Parameter> hfParameters(String prefix) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectHfParameters(prefix, out);
        return out;
    }

    private void collectHfParameters(String prefix, Map<String, Parameter> out) {
        for (Parameter own : getDirectParameters().values()) {
            out.put(prefix + own.getName(), own);
        }
        for (Map.Entry<String, Integer> entry : childIndex.entrySet()) {
            Block child = children.valueAt(entry.getValue());
            String childPrefix = prefix + entry.getKey() + ".";
            if (child instanceof BertModule module) {
                module.collectHfParameters(childPrefix, out);
            } else {
                for (Parameter parameter : child.getDirectParameters().values()) {
                    out.put(childPrefix + parameter.getName(), parameter);
                }
            }
        }
    }

    private Pair<BertModule, String> resolve(String remaining, String fullPath) {
        String best = null;
        for (String name : childIndex.keySet()) {
            boolean matches = remaining.equals(name) || remaining.startsWith(name + ".");
            if (matches && (best == null || name.length() > best.length())) {
                best = name;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no block at '" + fullPath + "': " + describe() + " has children "
                    + childNames() + ", none of which starts '" + remaining + "'");
        }
        if (remaining.equals(best)) {
            return new Pair<>(this, best);
        }
        Block child = child(best);
        if (!(child instanceof BertModule module)) {
            throw new IllegalArgumentException("no block at '" + fullPath + "': '" + best + "' is a "
                    + child.getClass().getSimpleName() + " with no named children");
        }
        return module.resolve(remaining.substring(best.length() + 1), fullPath);
    }

    private int indexOf(String hfName) {
        Integer index = childIndex.get(hfName);
        if (index == null) {
            throw new IllegalArgumentException("no child '" + hfName + "' in " + describe() + "; children are "
                    + new ArrayList<>(childIndex.keySet()));
        }
        return index;
    }

    private String describe() {
        return getClass().getSimpleName();
    }
}
