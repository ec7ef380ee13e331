/**
 * Running dsi-stream on a Flink cluster: the job's entry point for a cluster
 * ({@link io.dsistream.pipelines.cluster.ClusterJobMain}, options in
 * {@link io.dsistream.pipelines.cluster.ClusterJobOptions}), the job jar that carries only dsi-stream's classes
 * ({@link io.dsistream.pipelines.cluster.JobJar}), Flink's REST API as a client
 * ({@link io.dsistream.pipelines.cluster.FlinkRestClient}), and the standalone session cluster of {@code dsi cluster}
 * ({@link io.dsistream.pipelines.cluster.StandaloneCluster}: JobManager, TaskManager and Kafka broker as separate JVMs
 * from the Maven classpath, configured by {@link io.dsistream.pipelines.cluster.ClusterConfigFile}).
 */
package io.dsistream.pipelines.cluster;
