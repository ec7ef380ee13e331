package io.dsistream.models.encoder;

import java.nio.file.Path;

/**
 * Keeps DJL off the network and its caches inside the project.
 *
 * <p>Call {@link #configure()} <b>before the first DJL class loads</b> — first thing in {@code main}, in a Flink
 * function's {@code open()} before any model is built, or through JVM flags / Surefire
 * {@code systemPropertyVariables}. DJL reads these values in static initialisers and at engine start: once
 * {@code ai.djl.engine.Engine} has started, later changes are ignored, and without them the engine start calls an
 * EC2 metadata address for usage tracking.
 *
 * <p>What DJL 0.35.1 reads (checked in {@code ai.djl.util.Utils} and {@code ai.djl.util.Ec2Utils}):
 * <ul>
 *   <li>{@code Utils.isOfflineMode()}: environment {@code DJL_OFFLINE}, else system property {@code ai.djl.offline}
 *       (legacy fallback: {@code offline}). Offline mode also turns usage tracking off.</li>
 *   <li>{@code Utils.getCacheDir()}: {@code DJL_CACHE_DIR}, environment first, then system property; default
 *       {@code ~/.djl.ai}.</li>
 *   <li>{@code Utils.getEngineCacheDir()}: {@code ENGINE_CACHE_DIR}, environment first, then system property;
 *       default the DJL cache directory. libtorch (about 450 MB) is unpacked there on first use.</li>
 *   <li>{@code Ec2Utils}: {@code OPT_OUT_TRACKING}, environment first, then system property.</li>
 * </ul>
 * Because DJL prefers environment variables, a value exported in the environment wins over what this class sets;
 * this class never overrides a value that is already set. Never set {@code PYTORCH_VERSION}: the engine would look
 * for (and try to download) a different libtorch than the one on the classpath.
 */
public final class DjlOffline {

    /** System property naming the project's home directory; caches go to {@code <dsi.home>/.cache}. */
    public static final String HOME_PROPERTY = "dsi.home";

    private DjlOffline() {
    }

    /**
     * Sets {@code ai.djl.offline=true}, {@code OPT_OUT_TRACKING=true}, {@code DJL_CACHE_DIR} and
     * {@code ENGINE_CACHE_DIR} as system properties, each only if neither the system property nor the
     * environment variable DJL reads is already set. The cache directories default to {@code .cache/djl} under
     * {@code dsi.home}, else under the current directory. Idempotent; call before any DJL class loads.
     */
    public static void configure() {
        setIfAbsent("ai.djl.offline", "DJL_OFFLINE", "true");
        setIfAbsent("OPT_OUT_TRACKING", "OPT_OUT_TRACKING", "true");
        String djlCache = cacheRoot().resolve("djl").toAbsolutePath().toString();
        setIfAbsent("DJL_CACHE_DIR", "DJL_CACHE_DIR", djlCache);
        setIfAbsent("ENGINE_CACHE_DIR", "ENGINE_CACHE_DIR", djlCache);
    }

    /** Whether DJL will run offline, read the way DJL reads it (environment {@code DJL_OFFLINE} first). */
    public static boolean isOffline() {
        String value = System.getenv("DJL_OFFLINE");
        if (value == null) {
            value = System.getProperty("ai.djl.offline");
        }
        return Boolean.parseBoolean(value);
    }

    /** The project-local cache root: {@code <dsi.home>/.cache}, else {@code ./.cache}. */
    public static Path cacheRoot() {
        String home = System.getProperty(HOME_PROPERTY);
        Path base = home == null || home.isBlank() ? Path.of("") : Path.of(home);
        return base.resolve(".cache").toAbsolutePath();
    }

    private static void setIfAbsent(String property, String environmentVariable, String value) {
        String fromEnvironment = System.getenv(environmentVariable);
        if (System.getProperty(property) == null && (fromEnvironment == null || fromEnvironment.isEmpty())) {
            System.setProperty(property, value);
        }
    }
}
