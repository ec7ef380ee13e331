package io.dsistream.pipelines.cluster.lib;

import com.sun.net.httpserver.HttpServer;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves this JVM's Flink metrics over HTTP in the Prometheus text exposition format (version 0.0.4).
 *
 * <p>Why not Flink's own {@code flink-metrics-prometheus}: it is not in this machine's Maven repository (the build is
 * offline), and its dependency, the Prometheus {@code simpleclient}, is not either. The official Flink images ship
 * it, and {@code docker-compose.yml} uses it there. This reporter names series exactly as that one does, so a
 * dashboard or a test works against either: {@code flink_<logical scope>_<metric>} with every character outside
 * {@code [a-zA-Z0-9:_]} replaced by {@code _}, and the scope variables as labels ({@code <job_name>} becomes the
 * label {@code job_name}, values filtered the same way). Counters and meters are exported as gauges (count and rate),
 * histograms as summaries (quantiles 0.5 … 0.999 and {@code _count}); gauges whose value is not a number or a boolean
 * are left out (Flink's reporter exports them as 0, which would read as a value).
 *
 * <p>Options ({@code metrics.reporter.<name>.*}): {@code port}, a port or a range {@code 9250-9260} (the first free
 * one is taken, so JobManager and TaskManagers on one host do not collide); {@code host}, the address to bind
 * (default all interfaces).
 */
public final class PrometheusTextReporter implements MetricReporter {

    /** Default port, Flink's Prometheus reporter's. */
    public static final String DEFAULT_PORT = "9249";

    private static final Pattern UNALLOWED = Pattern.compile("[^a-zA-Z0-9:_]");
    private static final CharacterFilter FILTER = input -> UNALLOWED.matcher(input).replaceAll("_");
    private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};

    /** Every metric this reporter was told about, with its series name, help text and labels. */
    private final Map<Metric, Series> series = new ConcurrentHashMap<>();
    private HttpServer server;
    private int port = -1;

    /** One metric's series: name, help and labels in the order Flink's variables iterate. */
    private record Series(String name, String help, String labels) {
    }

    @Override
    public void open(MetricConfig config) {
        String ports = config.getString("port", DEFAULT_PORT);
        String host = config.getString("host", null);
        for (int candidate : portRange(ports)) {
            try {
                InetSocketAddress address = host == null ? new InetSocketAddress(candidate)
                        : new InetSocketAddress(host, candidate);
                server = HttpServer.create(address, 0);
                port = candidate;
                break;
            } catch (BindException taken) {
                // try the next port of the range
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the Prometheus endpoint on port " + candidate, e);
            }
        }
        if (server == null) {
            throw new IllegalStateException("metrics reporter option port=" + ports + ": no free port in the range");
        }
        server.createContext("/", exchange -> {
            byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(null);
        server.start();
        System.err.println("Prometheus text endpoint on port " + port);
    }

    /** The port this reporter serves on; -1 before {@link #open}. */
    public int port() {
        return port;
    }

    static List<Integer> portRange(String ports) {
        List<Integer> out = new ArrayList<>();
        try {
            String[] parts = ports.trim().split("-");
            int from = Integer.parseInt(parts[0].trim());
            int to = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : from;
            if (parts.length > 2 || from < 0 || to < from || to > 65535) {
                throw new NumberFormatException();
            }
            for (int p = from; p <= to; p++) {
                out.add(p);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metrics reporter option port: expected a port or a range "
                    + "like 9250-9260, got '" + ports + "'");
        }
        return out;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        if (!(group instanceof LogicalScopeProvider provider)) {
            return; // not a runtime group (a test's unregistered one): it has no logical scope to name a series by
        }
        String scope = provider.getLogicalScope(FILTER, '_');
        String name = "flink_" + scope + "_" + FILTER.filterCharacters(metricName);
        StringBuilder labels = new StringBuilder();
        for (Map.Entry<String, String> variable : new TreeMap<>(group.getAllVariables()).entrySet()) {
            String key = variable.getKey();
            if (labels.length() > 0) {
                labels.append(',');
            }
            labels.append(FILTER.filterCharacters(key.substring(1, key.length() - 1))).append("=\"")
                    .append(escape(FILTER.filterCharacters(String.valueOf(variable.getValue())))).append('"');
        }
        series.put(metric, new Series(name, metricName + " (scope: " + scope + ")", labels.toString()));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        series.remove(metric);
    }

    /** The whole exposition: one {@code # HELP}/{@code # TYPE} block per series name, then its samples. */
    String scrape() {
        Map<String, StringBuilder> families = new TreeMap<>();
        series.forEach((metric, s) -> {
            String samples = samples(metric, s);
            if (samples.isEmpty()) {
                return;
            }
            families.computeIfAbsent(s.name(), n -> new StringBuilder()
                    .append("# HELP ").append(n).append(' ').append(escapeHelp(s.help())).append('\n')
                    .append("# TYPE ").append(n).append(' ').append(metric instanceof Histogram ? "summary" : "gauge")
                    .append('\n')).append(samples);
        });
        StringBuilder out = new StringBuilder();
        families.values().forEach(out::append);
        return out.toString();
    }

    private static String samples(Metric metric, Series s) {
        try {
            if (metric instanceof Gauge<?> gauge) {
                Object value = gauge.getValue();
                if (value instanceof Number number) {
                    return sample(s.name(), s.labels(), number.doubleValue());
                }
                if (value instanceof Boolean flag) {
                    return sample(s.name(), s.labels(), flag ? 1 : 0);
                }
                return "";
            }
            if (metric instanceof Counter counter) {
                return sample(s.name(), s.labels(), counter.getCount());
            }
            if (metric instanceof Meter meter) {
                return sample(s.name(), s.labels(), meter.getRate());
            }
            if (metric instanceof Histogram histogram) {
                HistogramStatistics statistics = histogram.getStatistics();
                StringBuilder out = new StringBuilder();
                for (double q : QUANTILES) {
                    String labels = (s.labels().isEmpty() ? "" : s.labels() + ",") + "quantile=\"" + q + "\"";
                    out.append(sample(s.name(), labels, statistics.getQuantile(q)));
                }
                out.append(sample(s.name() + "_count", s.labels(), histogram.getCount()));
                return out.toString();
            }
        } catch (RuntimeException e) {
            // A gauge that throws (its operator closing) is left out of this scrape, not the whole scrape.
            return "";
        }
        return "";
    }

    private static String sample(String name, String labels, double value) {
        String number = Double.isNaN(value) ? "NaN" : Double.isInfinite(value) ? (value > 0 ? "+Inf" : "-Inf")
                : value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%s", value);
        return name + (labels.isEmpty() ? "" : "{" + labels + "}") + " " + number + "\n";
    }

    private static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
