package io.dsistream.pipelines.cluster;

import io.dsistream.pipelines.cluster.lib.PrometheusTextReporter;
import io.dsistream.pipelines.cluster.lib.PrometheusTextReporterFactory;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Series names, labels and values of the Prometheus text reporter, and its HTTP endpoint. */
class PrometheusTextReporterTest {

    private static String scrape(PrometheusTextReporter reporter) throws Exception {
        Method scrape = PrometheusTextReporter.class.getDeclaredMethod("scrape");
        scrape.setAccessible(true);
        return (String) scrape.invoke(reporter);
    }

    /** The labels Flink's Prometheus reporter would give a series of {@code group}. */
    private static String labels(MetricGroup group) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(group.getAllVariables()).forEach((k, v) -> out.append(out.length() == 0 ? "" : ",")
                .append(k, 1, k.length() - 1).append("=\"").append(v.replaceAll("[^a-zA-Z0-9:_]", "_")).append('"'));
        return out.toString();
    }

    @Test
    void seriesAreNamedByLogicalScopeWithVariablesAsLabelsAndOnlyNumbersAndBooleansAreExported() throws Exception {
        PrometheusTextReporter reporter = new PrometheusTextReporter();
        MetricGroup operator = ScopedMetricGroup.operator("dsi-indexing", "balance monitor");
        MetricGroup balance = operator.addGroup("balance");
        SimpleCounter indexed = new SimpleCounter();
        indexed.inc(3);
        reporter.notifyOfAddedMetric((Gauge<Integer>) () -> 7, "documents", balance);
        reporter.notifyOfAddedMetric((Gauge<Double>) () -> 0.25, "gini", balance);
        reporter.notifyOfAddedMetric(indexed, "indexed", operator);
        reporter.notifyOfAddedMetric((Gauge<Boolean>) () -> true, "ready", operator);
        reporter.notifyOfAddedMetric((Gauge<String>) () -> "it/v1", "modelVersion", operator);

        String text = scrape(reporter);
        String l = labels(operator);
        assertEquals("host=\"localhost\",job_name=\"dsi_indexing\",operator_name=\"balance_monitor\",subtask_index=\"0\"", l);
        assertTrue(text.contains("# TYPE flink_taskmanager_job_task_operator_balance_documents gauge\n"
                + "flink_taskmanager_job_task_operator_balance_documents{" + l + "} 7\n"), text);
        assertTrue(text.contains("flink_taskmanager_job_task_operator_balance_gini{" + l + "} 0.25\n"), text);
        assertTrue(text.contains("flink_taskmanager_job_task_operator_indexed{" + l + "} 3\n"), text);
        assertTrue(text.contains("flink_taskmanager_job_task_operator_ready{" + l + "} 1\n"), text);
        assertFalse(text.contains("modelVersion"), "a string gauge has no Prometheus value: " + text);

        reporter.notifyOfRemovedMetric(indexed, "indexed", operator);
        assertFalse(scrape(reporter).contains("_indexed"));
    }

    @Test
    void aGroupWithoutLogicalScopeIsSkippedNotThrown() throws Exception {
        PrometheusTextReporter reporter = new PrometheusTextReporter();
        reporter.notifyOfAddedMetric((Gauge<Integer>) () -> 1, "x",
                new org.apache.flink.metrics.groups.UnregisteredMetricsGroup());
        assertEquals("", scrape(reporter));
    }

    @Test
    void servesTheScrapeOverHttpOnTheFirstFreePortOfItsRange() throws Exception {
        int taken;
        int free;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            taken = a.getLocalPort();
            free = b.getLocalPort();
        }
        MetricReporter reporter = new PrometheusTextReporterFactory().createMetricReporter(new java.util.Properties());
        try (ServerSocket occupied = new ServerSocket(taken)) {
            MetricConfig config = new MetricConfig();
            config.setProperty("port", taken + "-" + taken);
            assertThrows(IllegalStateException.class, () -> reporter.open(config));
        }
        MetricConfig config = new MetricConfig();
        config.setProperty("port", Integer.toString(free));
        reporter.open(config);
        try {
            reporter.notifyOfAddedMetric((Gauge<Long>) () -> 42L, "documents",
                    ScopedMetricGroup.operator("dsi-indexing", "balance monitor").addGroup("balance"));
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + free + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            assertTrue(response.body().contains("flink_taskmanager_job_task_operator_balance_documents{"), response.body());
            assertTrue(response.body().contains("} 42\n"), response.body());
        } finally {
            reporter.close();
        }
    }

    @Test
    void portOptionIsAPortOrARange() throws Exception {
        Method range = PrometheusTextReporter.class.getDeclaredMethod("portRange", String.class);
        range.setAccessible(true);
        assertEquals(List.of(9250, 9251, 9252), range.invoke(null, "9250-9252"));
        assertEquals(List.of(9249), range.invoke(null, " 9249 "));
        for (String bad : new String[] {"x", "9252-9250", "1-2-3", "70000"}) {
            Exception e = assertThrows(java.lang.reflect.InvocationTargetException.class,
                    () -> range.invoke(null, bad));
            assertTrue(e.getCause() instanceof IllegalArgumentException, bad);
            assertTrue(e.getCause().getMessage().contains("'" + bad + "'"), e.getCause().getMessage());
        }
    }
}
