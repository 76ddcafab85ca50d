package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.ops.Dockerfile.Instruction;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The Dockerfile builds the jar the launcher module makes, with the Maven wrapper, and runs it on
 * a JRE as a user without privileges, with a health check on the port the services serve health on.
 */
class DockerfileTest {

    private static final Pattern COPY_OUT = Pattern.compile("cp (\\S+) (\\S+)");
    private static final Pattern MAJOR = Pattern.compile(":(\\d+)-(jdk|jre)");

    @Test
    void theImageRunsTheExecutableJarTheLauncherModuleBuilds() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(EnvoyFile.root().resolve("launcher/pom.xml").toFile());
        String jar = "launcher/target/" + pom.getElementsByTagName("finalName").item(0).getTextContent().strip() + ".jar";
        assertThat(Files.readString(EnvoyFile.root().resolve("launcher/pom.xml")))
                .as("the launcher jar is executable").contains("spring-boot-maven-plugin", "<mainClass>");

        List<Instruction> build = Dockerfile.stage("build");
        Instruction run = Dockerfile.first(build, "RUN");
        assertThat(run.arguments()).as("the wrapper builds the launcher and what it needs")
                .contains("./mvnw ", "-pl launcher -am package");
        Matcher copyOut = COPY_OUT.matcher(run.arguments());
        assertThat(copyOut.find()).isTrue();
        assertThat(copyOut.group(1)).isEqualTo(jar);

        List<Instruction> image = Dockerfile.finalStage();
        Instruction copyJar = Dockerfile.all(image, "COPY").stream()
                .filter(copy -> copy.arguments().startsWith("--from=build ")).findFirst().orElseThrow();
        String[] copied = copyJar.arguments().split("\\s+");
        assertThat(copied[1]).isEqualTo(copyOut.group(2));
        assertThat(Dockerfile.first(image, "ENTRYPOINT").arguments())
                .isEqualTo("[\"java\", \"-jar\", \"" + copied[2] + "\"]");

        Matcher jdk = MAJOR.matcher(Dockerfile.first(build, "FROM").arguments());
        Matcher jre = MAJOR.matcher(Dockerfile.first(image, "FROM").arguments());
        assertThat(jdk.find() && jre.find()).as("temurin JDK to build, JRE to run").isTrue();
        assertThat(jdk.group(2) + " " + jre.group(2)).isEqualTo("jdk jre");
        assertThat(jre.group(1)).as("runs on the Java it was built with").isEqualTo(jdk.group(1));
        String release = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(EnvoyFile.root().resolve("pom.xml").toFile())
                .getElementsByTagName("maven.compiler.release").item(0).getTextContent();
        assertThat(Integer.parseInt(jdk.group(1))).as("at least the release the poms compile for")
                .isGreaterThanOrEqualTo(Integer.parseInt(release));
    }

    @Test
    void itRunsAsAnUnprivilegedUserAndChecksTheServicesHealthPort() {
        List<Instruction> image = Dockerfile.finalStage();
        String user = Dockerfile.first(image, "USER").arguments().split(":")[0];
        assertThat(Integer.parseInt(user)).as("a numeric uid, so runAsNonRoot can check it").isPositive();

        Instruction health = Dockerfile.first(image, "HEALTHCHECK");
        String script = health.arguments().replaceFirst(".*CMD \\[\"([^\"]+)\"]$", "$1");
        assertThat(Dockerfile.all(image, "COPY")).extracting(Instruction::arguments)
                .contains(EnvoyFile.root().relativize(Dockerfile.healthCheckScript()) + " " + script);
        assertThat(Files.isExecutable(Dockerfile.healthCheckScript())).isTrue();
        for (Deployable service : Deployable.values()) {
            assertThat(service.prodProperties().getProperty("chatmesh.http.port"))
                    .as("%s's HTTP port comes from the variable the health check reads", service)
                    .startsWith("${" + Dockerfile.healthCheckPortVariable() + ":");
        }
    }

    @Test
    void keysAndBuildOutputStayOutOfTheBuildContext() throws Exception {
        List<String> ignored = Files.readAllLines(EnvoyFile.root().resolve(".dockerignore"));
        assertThat(ignored).contains("**/target/", "deploy/certs/", "deploy/secrets/", ".git/");
    }
}
