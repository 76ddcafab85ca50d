# syntax=docker/dockerfile:1
# chatmesh: one image for all four services. The launcher jar carries them all; the container's
# command names the one to run (user-service, chat-service, message-service, signaling-service),
# configured by the prod profile's environment variables (docs/production.md, docs/operate.md).
#
#   docker build -t chatmesh-launcher:local .
#   docker run --rm -e SPRING_PROFILES_ACTIVE=prod ... chatmesh-launcher:local chat-service

# --- build: the Maven wrapper, as on a developer's machine ---------------------------------------
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
# the cache mount keeps ~/.m2 between builds; tests run in CI, not in the image build
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl launcher -am package -DskipTests \
 && cp launcher/target/chatmesh-launcher.jar /chatmesh-launcher.jar

# --- run: a JRE, a user without privileges, nothing else -----------------------------------------
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 chatmesh \
 && useradd --system --uid 10001 --gid chatmesh --no-create-home --shell /usr/sbin/nologin chatmesh
WORKDIR /app
COPY --from=build /chatmesh-launcher.jar /app/chatmesh-launcher.jar
COPY deploy/docker/healthcheck /app/healthcheck
# a read-only root filesystem needs a writable /tmp (an emptyDir or tmpfs): the JVM and netty use it;
# G1 unloads no classes in its concurrent cycles, for short remark pauses; freed native memory
# goes back to the OS every 10 s (bin/find-jdk)
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:-ClassUnloadingWithConcurrentMark -XX:MetaspaceSize=128m -XX:TrimNativeHeapInterval=10000 -Djava.io.tmpdir=/tmp"
USER 10001:10001
# GET /healthz on the service's HTTP port (CHATMESH_HTTP_PORT): 200 once it serves
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["/app/healthcheck"]
ENTRYPOINT ["java", "-jar", "/app/chatmesh-launcher.jar"]
