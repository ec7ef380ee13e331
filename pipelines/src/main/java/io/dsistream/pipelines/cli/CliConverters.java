package io.dsistream.pipelines.cli;

import io.dsistream.models.encoder.EncoderSpec;
import io.dsistream.pipelines.eval.RetrievalMethod;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;

/** Converters from command-line words to the project's types, with errors that list what is accepted. */
final class CliConverters {

    private CliConverters() {
    }

    /** Where caches (embeddings, the unpacked libtorch) live: {@code .cache} under the project home. */
    static Path cacheDirectory() {
        return Path.of(System.getProperty("dsi.home", ".")).resolve(".cache");
    }

    static final class RetrievalMethodConverter implements ITypeConverter<RetrievalMethod> {
        @Override
        public RetrievalMethod convert(String value) {
            return RetrievalMethod.fromCliName(value);
        }
    }

    static final class EncoderConverter implements ITypeConverter<EncoderSpec> {
        @Override
        public EncoderSpec convert(String value) {
            return EncoderSpec.fromCliName(value);
        }
    }
}
