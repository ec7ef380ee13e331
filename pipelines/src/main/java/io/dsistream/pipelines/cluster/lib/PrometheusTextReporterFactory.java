package io.dsistream.pipelines.cluster.lib;

import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Properties;

/**
 * Creates {@link PrometheusTextReporter}s; configured as
 * {@code metrics.reporter.prom.factory.class: io.dsistream.pipelines.cluster.lib.PrometheusTextReporterFactory}
 * (found through {@code META-INF/services}, like Flink's own reporters).
 */
public final class PrometheusTextReporterFactory implements MetricReporterFactory {

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new PrometheusTextReporter();
    }
}
