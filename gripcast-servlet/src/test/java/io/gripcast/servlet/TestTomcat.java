package io.gripcast.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** A real embedded Tomcat on 127.0.0.1 and a free port, in a temp dir, for one test class. */
final class TestTomcat implements AutoCloseable {
  private final Tomcat tomcat = new Tomcat();
  private final Path baseDir;
  private final Context context;
  private final Connector connector;
  private int servlets;

  TestTomcat() {
    try {
      baseDir = Files.createTempDirectory("gripcast-tomcat");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tomcat.setBaseDir(baseDir.toString());
    connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    context = tomcat.addContext("", baseDir.toString());
  }

  TestTomcat servlet(String pattern, HttpServlet servlet) {
    String name = "servlet-" + servlets++;
    Tomcat.addServlet(context, name, servlet);
    context.addServletMappingDecoded(pattern, name);
    return this;
  }

  TestTomcat filter(String pattern, Filter filter) {
    FilterDef def = new FilterDef();
    def.setFilterName("filter-" + pattern);
    def.setFilter(filter);
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName(def.getFilterName());
    map.addURLPattern(pattern);
    context.addFilterMap(map);
    return this;
  }

  TestTomcat start() {
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      throw new IllegalStateException("Tomcat did not start", e);
    }
    return this;
  }

  int port() {
    return connector.getLocalPort();
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
  }

  @Override
  public void close() throws Exception {
    try {
      tomcat.stop();
      tomcat.destroy();
    } finally {
      try (Stream<Path> files = Files.walk(baseDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
