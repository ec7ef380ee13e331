/**
 * Classes that run inside the standalone cluster's own JVMs, on their system classpath (Flink's {@code lib/}), not in
 * the submitted job jar: the Prometheus text-format metrics reporter
 * ({@link io.dsistream.pipelines.cluster.lib.PrometheusTextReporter}) and the main-class wrapper that ties a cluster
 * process to its parent ({@link io.dsistream.pipelines.cluster.lib.ParentWatch}). They depend on the JDK and
 * {@code flink-metrics-core} only: {@link io.dsistream.pipelines.cluster.ClusterLibJar} copies them into a small jar
 * that {@code dsi cluster up} puts on the JobManager's and TaskManager's classpath.
 */
package io.dsistream.pipelines.cluster.lib;
