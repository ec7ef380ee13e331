/** The evaluation runner behind {@code dsi eval}: builds a retriever for a method and scores it on a BEIR split. */
package io.dsistream.pipelines.eval;
