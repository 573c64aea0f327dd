package exitplan.testserver;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Starts a real Neo4j 5.26 (community, embedded) server for tests.
 *
 * <pre>
 *   NEO4J_TEST_PASSWORD=... java -jar target/neo4j-test-server.jar DATA_DIR PORT [--no-stdin]
 * </pre>
 *
 * <ul>
 *   <li>DATA_DIR: Neo4j home directory (data/ and logs/ are created inside it; reused if it exists).</li>
 *   <li>PORT: Bolt port on 127.0.0.1; 0 picks a free one (the kernel chooses, no probe-then-bind race).</li>
 *   <li>The password for user {@code neo4j} is read from the environment variable NEO4J_TEST_PASSWORD
 *       (never from argv, which any local user can read from /proc or ps). Neo4j requires at least 8
 *       characters.</li>
 * </ul>
 *
 * Prints exactly one line, {@code READY bolt://127.0.0.1:PORT}, to stdout once the password is set and a
 * Bolt handshake on the port succeeds; everything else goes to stderr or DATA_DIR/logs. Shuts down cleanly
 * when stdin reaches EOF (unless --no-stdin is given) or on SIGTERM/SIGINT (JVM shutdown hook).
 */
public final class TestServer {
    static final String PASSWORD_ENV = "NEO4J_TEST_PASSWORD";
    private static final String HOST = "127.0.0.1";

    private static final AtomicBoolean stopped = new AtomicBoolean();
    private static volatile DatabaseManagementService dbms;

    public static void main(String[] args) throws Exception {
        // Keep stdout for the single READY line: anything a library prints to System.out goes to stderr.
        PrintStream stdout = System.out;
        System.setOut(System.err);

        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].equals("--no-stdin"))) {
            System.err.println("usage: " + PASSWORD_ENV + "=... TestServer DATA_DIR PORT [--no-stdin]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        boolean watchStdin = args.length < 3;
        String password = System.getenv(PASSWORD_ENV);
        if (password == null || password.length() < 8) {
            System.err.println("error: set " + PASSWORD_ENV + " (at least 8 characters, Neo4j's minimum)");
            System.exit(2);
        }

        long t0 = System.nanoTime();
        int boltPort;
        try {
            boltPort = start(home, port, password);
        } catch (Throwable e) {
            // Without this, Neo4j's non-daemon Netty threads would keep a half-started JVM alive forever.
            System.err.println("neo4j-test-server: failed to start");
            e.printStackTrace();
            stop();
            System.exit(1);
            return;
        }
        System.err.printf("neo4j-test-server: started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        stdout.println("READY bolt://" + HOST + ":" + boltPort);
        stdout.flush();

        if (watchStdin) {
            drain(System.in); // returns at EOF: the parent closed our stdin (or died)
            System.err.println("neo4j-test-server: stdin closed, shutting down");
            stop();
            System.exit(0);
        }
        // else: the main thread ends; Neo4j's non-daemon threads keep the JVM alive until SIGTERM.
    }

    /** Starts Neo4j, sets the password, waits for Bolt; returns the Bolt port actually bound. */
    private static int start(Path home, int port, String password) throws Exception {
        Files.createDirectories(home);
        Runtime.getRuntime().addShutdownHook(new Thread(TestServer::stop, "neo4j-test-server-shutdown"));

        dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Small, test-sized footprint.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Bolt's Netty loops otherwise wait a 5 s quiet period twice on shutdown (10 s per stop).
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(3))
                .build();

        // Set the password of the built-in admin user `neo4j`. The embedded API runs with full rights and no
        // authenticated user, so this is ALTER USER (ALTER CURRENT USER fails: there is no current user) on the
        // system database; CHANGE NOT REQUIRED clears the flag that the initial neo4j/neo4j credentials carry.
        // Neo4j refuses a new password equal to the old one, which is the case when DATA_DIR is reused with the
        // same password: so go through a random throw-away password first; this works for any prior state.
        setPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        int boltPort = ((GraphDatabaseAPI) db)
                .getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT)
                .getPort();
        waitForBoltHandshake(boltPort, 30_000);
        return boltPort;
    }

    /** Two idempotent ALTER USERs, retried a few times in case a start-up job holds the system graph. */
    private static void setPassword(GraphDatabaseService system, String password) throws InterruptedException {
        String alter = "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED";
        for (int attempt = 1; ; attempt++) {
            try {
                system.executeTransactionally(alter, Map.of("password", UUID.randomUUID().toString()));
                system.executeTransactionally(alter, Map.of("password", password));
                return;
            } catch (RuntimeException e) {
                if (attempt == 5) {
                    throw e;
                }
                System.err.println("neo4j-test-server: setting the password failed (attempt " + attempt + "), retrying: " + e);
                Thread.sleep(200L * attempt);
            }
        }
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // ignore anything written to us
            }
        } catch (IOException e) {
            // treat a broken stdin as closed
        }
    }

    private static void stop() {
        DatabaseManagementService s = dbms;
        if (s != null && stopped.compareAndSet(false, true)) {
            long t0 = System.nanoTime();
            s.shutdown();
            System.err.printf("neo4j-test-server: stopped in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** Open a TCP connection and do the Bolt handshake: proof that the connector really answers. */
    private static void waitForBoltHandshake(int port, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        IOException last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                s.setSoTimeout(2000);
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeInt(0x6060B017); // Bolt magic preamble
                out.writeInt(0x00080805); // propose 5.8 down to 5.0 ...
                out.writeInt(0x00000404); // ... 4.4
                out.writeInt(0);
                out.writeInt(0);
                out.flush();
                int agreed = new DataInputStream(s.getInputStream()).readInt();
                if (agreed != 0) {
                    return;
                }
                last = new IOException("server agreed on no Bolt version");
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Bolt did not answer on " + HOST + ":" + port, last);
    }
}
