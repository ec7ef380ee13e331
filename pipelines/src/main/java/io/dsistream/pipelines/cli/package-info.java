/** The {@code dsi} command line (picocli): one subcommand per user-facing action, each with {@code --help}. */
package io.dsistream.pipelines.cli;
