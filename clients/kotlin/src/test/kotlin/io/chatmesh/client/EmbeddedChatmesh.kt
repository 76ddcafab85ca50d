package io.chatmesh.client

import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.io.path.isDirectory
import kotlin.io.path.name

/**
 * The launcher's executable jar (`java -jar chatmesh-launcher.jar`, as bin/chatmesh runs it) in a
 * child JVM, every port chosen by the system (0), data in [dataDir]. The edge's address is read
 * from the summary the launcher prints once everything is up; its output is kept for failures.
 */
class EmbeddedChatmesh private constructor(private val process: Process) : AutoCloseable {

    private val output = StringBuffer()
    private val edge = CompletableFuture<Pair<String, Int>>()

    val host: String get() = edge.get().first
    val edgePort: Int get() = edge.get().second

    private fun drain() {
        process.inputStream.bufferedReader().useLines { lines ->
            lines.forEach { line ->
                output.append(line).append('\n')
                EDGE_LINE.find(line)?.let { edge.complete(it.groupValues[1] to it.groupValues[2].toInt()) }
            }
        }
        edge.completeExceptionally(AssertionError("the launcher exited (${process.waitFor()}) before it was up:\n$output"))
    }

    fun output(): String = output.toString()

    override fun close() {
        process.destroy() // SIGTERM: the launcher's shutdown hook stops the services and PostgreSQL
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor()
        }
    }

    companion object {
        private val EDGE_LINE = Regex("""^\s*edge \(all services\)\s+([0-9.]+):([0-9]+)""")

        fun start(dataDir: Path): EmbeddedChatmesh {
            val java = Path.of(System.getProperty("java.home"), "bin", "java").toString()
            val flags = buildList {
                add("-Xmx384m")
                // grpc-netty-shaded's native transport and Unsafe, quiet on newer JDKs
                if (Runtime.version().feature() >= 22) add("--enable-native-access=ALL-UNNAMED")
                if (Runtime.version().feature() >= 24) add("--sun-misc-unsafe-memory-access=allow")
            }
            val builder = ProcessBuilder(listOf(java) + flags + listOf("-jar", launcherJar().toString()))
            builder.environment().putAll(
                mapOf(
                    "CHATMESH_DATA_DIR" to dataDir.toString(),
                    "CHATMESH_HOST" to "127.0.0.1",
                    "CHATMESH_EDGE_PORT" to "0",
                    "CHATMESH_USER_PORT" to "0",
                    "CHATMESH_CHAT_PORT" to "0",
                    "CHATMESH_MESSAGE_PORT" to "0",
                    "CHATMESH_SIGNALING_PORT" to "0",
                    "CHATMESH_WEB_DIR" to dataDir.resolve("no-web-app").toString(),
                ),
            )
            builder.redirectErrorStream(true)
            val launcher = EmbeddedChatmesh(builder.start())
            Thread(launcher::drain, "launcher-output").apply { isDaemon = true }.start()
            try {
                launcher.edge.get(3, TimeUnit.MINUTES)
            } catch (e: Exception) {
                launcher.close()
                throw AssertionError("the launcher did not come up ($e); its output:\n${launcher.output()}", e)
            }
            return launcher
        }

        /** The chatmesh-launcher dependency: the reactor's launcher/target/chatmesh-launcher.jar, or the installed one. */
        private fun launcherJar(): Path {
            val entry = System.getProperty("java.class.path").split(File.pathSeparator).map(Path::of)
                .firstOrNull { it.name.startsWith("chatmesh-launcher") || it.endsWith(Path.of("launcher", "target", "classes")) }
                ?: error("chatmesh-launcher is not on the test classpath")
            val jar = if (entry.isDirectory()) entry.resolveSibling("chatmesh-launcher.jar") else entry
            check(Files.isRegularFile(jar)) { "no launcher jar at $jar: run the build to the package phase (./mvnw verify)" }
            return jar
        }
    }
}
