/**
 * Classes that run inside the standalone cluster's own JVMs, on their system classpath (Flink's {@code lib/}), not in
 * the submitted job jar: the main-class wrapper that ties a cluster process to its parent
 * ({@link io.dsistream.pipelines.cluster.lib.ParentWatch}). It depends on the JDK only:
 * {@link io.dsistream.pipelines.cluster.ClusterLibJar} copies it into a small jar that {@code dsi cluster up} puts on
 * the JobManager's and TaskManager's classpath, beside Flink's own Prometheus reporter (flink-metrics-prometheus).
 */
package io.dsistream.pipelines.cluster.lib;
