package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Prometheus scrapes every service's /metrics (through the sidecar's plaintext ops listener, which
 * hands it to the service's HTTP port), and Grafana finds Prometheus and the chatmesh dashboard
 * where compose puts them. DashboardScrapeTest checks the dashboard's metrics against a real scrape.
 */
class MonitoringTest {

    private static final Compose COMPOSE = new Compose();

    @Test
    void prometheusScrapesEveryServicesHttpPortThroughItsSidecar() {
        Tree prometheus = COMPOSE.service("prometheus");
        Tree config = Tree.load(Compose.mountAt(prometheus, "/etc/prometheus/prometheus.yml").source());
        Set<String> scraped = new TreeSet<>();
        for (Tree job : config.get("scrape_configs").list()) {
            String path = job.get("metrics_path").text();
            for (Tree targets : job.get("static_configs").list()) {
                Deployable service = Deployable.named(targets.get("labels", "service").text());
                for (String target : targets.get("targets").texts()) {
                    URI address = URI.create("http://" + target);
                    assertThat(address.getHost()).as("%s is the compose service", target).isEqualTo(service.serviceName());
                    assertThat(COMPOSE.serviceNames()).contains(address.getHost());
                    assertThat(Mesh.plaintextGet(service, address.getPort(), path)).as("%s%s", target, path)
                            .isEqualTo(service.httpPort());
                    scraped.add(service.serviceName());
                }
            }
        }
        assertThat(scraped).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Deployable.values()).map(Deployable::serviceName).toList());
    }

    @Test
    void grafanaHasPrometheusAndTheDashboardProvisioned() {
        Tree grafana = COMPOSE.service("grafana");
        Compose.Mount provisioning = Compose.mountAt(grafana, "/etc/grafana/provisioning");
        Tree datasource = Tree.load(provisioning.source().resolve("datasources/prometheus.yml")).get("datasources").list().getFirst();
        URI url = URI.create(datasource.get("url").text());
        assertThat(url.getHost()).isEqualTo("prometheus");
        assertThat(COMPOSE.service("prometheus").get("ports").texts()).anyMatch(port -> port.endsWith(":" + url.getPort()));

        Tree provider = Tree.load(provisioning.source().resolve("dashboards/chatmesh.yml")).get("providers").list().getFirst();
        String dashboards = provider.get("options", "path").text();
        assertThat(Compose.mountAt(grafana, dashboards).source()).isEqualTo(Dashboard.file().getParent());
        String home = Compose.environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertThat(home).isEqualTo(dashboards + "/" + Dashboard.file().getFileName());
        assertThat(Files.exists(Dashboard.file())).isTrue();

        String uid = datasource.get("uid").text();
        for (Tree panel : Dashboard.load().get("panels").list()) {
            assertThat(panel.get("datasource", "uid").text()).as(panel.get("title").text()).isEqualTo(uid);
            panel.get("targets").list().forEach(target -> assertThat(target.get("datasource", "uid").text()).isEqualTo(uid));
        }
    }

    /** docs/operate.md's dashboard table names every metric the panels read. */
    @Test
    void theOperatorsGuideNamesEveryMetricTheDashboardReads() throws Exception {
        String guide = Files.readString(EnvoyFile.root().resolve("docs/operate.md"));
        for (String expression : Dashboard.expressions()) {
            assertThat(guide).as("docs/operate.md, the dashboard's panels").contains(Dashboard.read(expression).metrics().keySet());
        }
    }

    /** The labels Prometheus adds to every series it scrapes: job, instance, and the targets' own. */
    static Set<String> targetLabels() {
        Tree config = Tree.load(Compose.directory().resolve("prometheus/prometheus.yml"));
        Set<String> labels = new TreeSet<>(Set.of("job", "instance"));
        for (Tree job : config.get("scrape_configs").list()) {
            for (Tree targets : job.get("static_configs").list()) {
                labels.addAll(((Map<?, ?>) targets.get("labels").value()).keySet().stream().map(String::valueOf)
                        .collect(Collectors.toSet()));
            }
        }
        return labels;
    }
}
