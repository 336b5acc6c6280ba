# WhatPro Hub container image.
#
#   ./mvnw -B package -DskipTests          # the jar this image packs (target/whatpro-hub-*.jar)
#   docker build -t whatpro-hub .           # or: podman build --format docker -t whatpro-hub .
#
# BASE_IMAGE is any image with a Java 25 runtime on PATH and bash (deploy/image-test passes one it builds locally
# from a Debian rootfs and a jlinked JRE, as no registry is reachable there).
ARG BASE_IMAGE=docker.io/library/eclipse-temurin:25-jre

# Stage 1: split the executable jar into layers (dependencies change less often than the application), so an
# upgrade pulls only the layers that changed.
FROM ${BASE_IMAGE} AS layers
WORKDIR /build
ARG JAR_FILE=target/whatpro-hub-*.jar
COPY ${JAR_FILE} app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# Stage 2: the runtime, as an unprivileged user.
FROM ${BASE_IMAGE}
ARG UID=10001
RUN groupadd --gid "${UID}" whatpro \
 && useradd --uid "${UID}" --gid whatpro --home-dir /var/lib/whatpro --no-create-home \
      --shell /usr/sbin/nologin whatpro \
 && mkdir -p /var/lib/whatpro \
 && chown whatpro:whatpro /var/lib/whatpro \
 && chmod 0700 /var/lib/whatpro
WORKDIR /opt/whatpro
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
COPY deploy/container/healthcheck /usr/local/bin/whatpro-healthcheck

ENV WHATPRO_MODE=production \
    WHATPRO_DATA_DIR=/var/lib/whatpro \
    WHATPRO_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# The data dir holds the generated encryption key when WHATPRO_ENCRYPTION_KEY is unset (development only).
VOLUME /var/lib/whatpro
EXPOSE 8080
USER whatpro
# /health/ready answers 200 once PostgreSQL and Redis answer; the first start runs the migrations.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 CMD ["/usr/local/bin/whatpro-healthcheck"]
# The JVM is PID 1 and gets the SIGTERM: the server stops taking requests, lets running ones finish
# (server.shutdown: graceful, up to 20 s per phase), then exits. Give `docker stop -t 30` or more.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
