// The local Neo4j 5.26 Community server that netintel starts when NEO4J_URI is not set.
//
// It runs Neo4j's embedded database management service with its Bolt connector on loopback,
// authentication on, and nothing else listening (no HTTP, no routing port, no usage reports).
// netintel.server (Python) resolves the jars with Maven, compiles this file and launches it:
//
//   java -Xms1g -Xmx1g -cp classes:lib/* LocalNeo4j --home DIR --port N \
//        [--page-cache 512m] --password-file FILE [--tx-log-retention "keep_none"] \
//        [--tls-dir DIR]
//
// Every option can also come from the environment: NETINTEL_NEO4J_HOME, NETINTEL_NEO4J_PORT,
// NETINTEL_NEO4J_PAGE_CACHE, NETINTEL_NEO4J_PASSWORD_FILE, NETINTEL_NEO4J_TX_LOG_RETENTION,
// NETINTEL_NEO4J_TLS_DIR. With a TLS folder (private.key, PKCS #8 PEM, and public.crt in it),
// Bolt also offers TLS (bolt+s://, neo4j+s://) with that certificate; plain Bolt still works.
// Heap is set by the JVM flags. Lines this program writes itself start with "NETINTEL-NEO4J";
// "NETINTEL-NEO4J READY bolt://127.0.0.1:PORT" means Bolt accepts connections.
//
// Password: the password file is the source of truth. When its SHA-256 differs from the one
// recorded in HOME/netintel-password.sha256 (first start, or a new password file), the DBMS is
// first started with Bolt off, the password of user neo4j is set through the system database
// (the embedded API runs with full privileges), and only then is it started with Bolt on. So the
// default password neo4j/neo4j is never reachable over the network.

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.configuration.ssl.ClientAuth;
import org.neo4j.configuration.ssl.SslPolicyConfig;
import org.neo4j.configuration.ssl.SslPolicyScope;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

public final class LocalNeo4j {
    private static final String TAG = "NETINTEL-NEO4J";
    private static final String HOST = "127.0.0.1";
    private static final String MARKER = "netintel-password.sha256";
    private static final long TX_LOG_ROTATION_BYTES = 64L * 1024 * 1024;
    private static final long AVAILABLE_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(10);

    private LocalNeo4j() {}

    /** Settings of one run, from the command line or the environment. */
    private record Options(Path home, int port, long pageCacheBytes, Path passwordFile,
                           String txLogRetention, Path importDir, Path tlsDir) {}

    public static void main(String[] args) {
        try {
            run(parse(args));
        } catch (Throwable e) {
            say("FAILED " + e);
            e.printStackTrace(System.out);
            shutdown();
            // Neo4j may have started non-daemon threads; make sure the JVM goes away.
            Runtime.getRuntime().halt(1);
        }
    }

    /** The running DBMS, for the shutdown hook; null while none runs. */
    private static volatile DatabaseManagementService current;
    private static final CountDownLatch STOPPED = new CountDownLatch(1);

    private static void run(Options opt) throws Exception {
        String password = readPassword(opt.passwordFile());
        Path home = opt.home().toAbsolutePath().normalize();
        Files.createDirectories(home);
        Path marker = home.resolve(MARKER);
        String digest = sha256(password);

        // SIGTERM (or Ctrl-C) shuts the DBMS down cleanly; the JVM exits when this hook ends.
        Runtime.getRuntime().addShutdownHook(new Thread(LocalNeo4j::shutdown,
                "netintel-neo4j-shutdown"));

        if (!digest.equals(readMarker(marker))) {
            say("setting the password of user neo4j (Bolt is off meanwhile)");
            DatabaseManagementService setup = build(opt, home, false);
            current = setup;
            setup.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
            synchronized (LocalNeo4j.class) {
                current = null;
                setup.shutdown();
            }
            writeAtomically(marker, digest + "\n");
            say("password set");
        }

        DatabaseManagementService dbms = build(opt, home, true);
        current = dbms;
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(AVAILABLE_TIMEOUT_MS)) {
            throw new IllegalStateException("database '" + db.databaseName()
                    + "' did not become available; see " + home.resolve("logs/debug.log"));
        }
        say("READY bolt://" + HOST + ":" + opt.port());

        // Bolt runs on Neo4j's own threads; keep main alive until the shutdown hook has run.
        STOPPED.await();
    }

    private static void shutdown() {
        synchronized (LocalNeo4j.class) {
            DatabaseManagementService dbms = current;
            current = null;
            if (dbms != null) {
                say("shutting down");
                try {
                    dbms.shutdown();
                    say("STOPPED");
                } catch (Throwable e) {
                    say("shutdown failed: " + e);
                    e.printStackTrace(System.out);
                }
            }
            System.out.flush();
            STOPPED.countDown();
        }
    }

    private static DatabaseManagementService build(Options opt, Path home, boolean bolt) {
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        BoltConnector.EncryptionLevel encryption = BoltConnector.EncryptionLevel.DISABLED;
        if (opt.tlsDir() != null) {
            SslPolicyConfig tls = SslPolicyConfig.forScope(SslPolicyScope.BOLT);
            builder.setConfig(tls.enabled, true)
                    .setConfig(tls.base_directory, opt.tlsDir())
                    .setConfig(tls.private_key, opt.tlsDir().resolve("private.key"))
                    .setConfig(tls.public_certificate, opt.tlsDir().resolve("public.crt"))
                    .setConfig(tls.client_auth, ClientAuth.NONE);
            encryption = BoltConnector.EncryptionLevel.OPTIONAL;
        }
        return builder
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .setConfig(GraphDatabaseSettings.logs_directory, home.resolve("logs"))
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST))
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.routing_enabled, false)
                .setConfig(GraphDatabaseSettings.log_queries,
                        GraphDatabaseSettings.LogQueryLevel.OFF)
                .setConfig(GraphDatabaseSettings.pagecache_memory, opt.pageCacheBytes())
                .setConfig(GraphDatabaseSettings.keep_logical_logs, opt.txLogRetention())
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold,
                        TX_LOG_ROTATION_BYTES)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // LOAD CSV reads file:/// URLs only below this folder
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, opt.importDir())
                .setConfig(GraphDatabaseSettings.allow_file_urls, true)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(BoltConnector.enabled, bolt)
                // Internal settings: the in-JVM "bolt-local" channel serves nobody here, and
                // Netty's default 5 s quiet period per event loop group made every stop take 10 s
                // although the databases have already been shut down when Bolt goes.
                .setConfig(BoltConnectorInternalSettings.enable_local_connector, false)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, opt.port()))
                .setConfig(BoltConnector.encryption_level, encryption)
                .build();
    }

    // ---------------------------------------------------------------- options

    private static Options parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got: " + a);
            }
            given.put(a.substring(2), args[++i]);
        }
        String home = option(given, "home", null);
        String port = option(given, "port", null);
        String pageCache = option(given, "page-cache", "512m");
        String passwordFile = option(given, "password-file", null);
        String retention = option(given, "tx-log-retention", "keep_none");
        String importDir = option(given, "import-dir", null);
        String tlsDir = option(given, "tls-dir", null);
        if (home == null || port == null || passwordFile == null) {
            throw new IllegalArgumentException(
                    "--home, --port and --password-file are required (or NETINTEL_NEO4J_HOME, "
                            + "NETINTEL_NEO4J_PORT, NETINTEL_NEO4J_PASSWORD_FILE)");
        }
        int p = Integer.parseInt(port.trim());
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port out of range: " + p);
        }
        Path imports = importDir == null ? Path.of(home).resolve("import") : Path.of(importDir);
        return new Options(Path.of(home), p, parseBytes(pageCache), Path.of(passwordFile),
                retention, imports.toAbsolutePath().normalize(),
                tlsDir == null ? null : Path.of(tlsDir).toAbsolutePath().normalize());
    }

    private static String option(Map<String, String> given, String name, String fallback) {
        String v = given.get(name);
        if (v == null) {
            v = System.getenv("NETINTEL_NEO4J_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    /** "512m", "2g", "1048576", "64k" to bytes. */
    static long parseBytes(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            case 't' -> unit = 1L << 40;
            default -> unit = 1;
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits.trim()), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: " + text, e);
        }
    }

    // ---------------------------------------------------------------- password

    private static String readPassword(Path file) throws IOException {
        String pw = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (pw.length() < 8) {
            throw new IllegalArgumentException("password in " + file + " is shorter than 8");
        }
        return pw;
    }

    private static String readMarker(Path marker) throws IOException {
        return Files.exists(marker) ? Files.readString(marker, StandardCharsets.UTF_8).strip() : null;
    }

    private static String sha256(String text) throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    // ---------------------------------------------------------------- output

    private static void say(String message) {
        PrintStream out = System.out;
        synchronized (out) {
            out.println(OffsetDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    + " " + TAG + " " + message);
            out.flush();
        }
    }
}
