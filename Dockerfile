# syntax=docker/dockerfile:1
# The processor's image: built with Maven, run on a JRE as a non-root user.
#   docker build -t casino-processor:0.1.0 .
# Configuration comes from the environment (README, Configuration); deploy/kubernetes/ runs it.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml ./
COPY .mvn .mvn
COPY proto proto
COPY migrations migrations
COPY conf conf
COPY src src
# The jar (conf/ is inside it) and its runtime dependencies in target/lib. The cache mount keeps
# ~/.m2 between builds.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -Dmaven.test.skip=true package dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory=target/lib \
 && cp target/casino-event-pipeline-*.jar target/lib/

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 casino \
 && useradd --system --uid 10001 --gid casino --home-dir /app --no-create-home --shell /usr/sbin/nologin casino
WORKDIR /app
COPY --from=build /build/target/lib/ lib/
# The processor applies the schema migrations at start (MIGRATIONS_DIR, relative to /app).
COPY --from=build /build/migrations/ migrations/
USER 10001:10001
# HTTP API, Pekko Management (bootstrap, health), cluster transport.
EXPOSE 3000 8558 25520
# java is PID 1 and gets SIGTERM itself: the processor drains and leaves the cluster, exit 0.
# MaxTenuringThreshold=1: see the README (Processor, JVM options).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-XX:MaxTenuringThreshold=1", "-XX:+ExitOnOutOfMemoryError", "-cp", "/app/lib/*", "casino.processor.ProcessorMain"]
