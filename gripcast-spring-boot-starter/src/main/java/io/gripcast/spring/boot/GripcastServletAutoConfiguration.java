package io.gripcast.spring.boot;

import io.gripcast.auth.GripSigVerifier;
import io.gripcast.servlet.GripSigFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Registers gripcast-servlet's {@link GripSigFilter} in a servlet web application when at least one
 * verify key is configured ({@code gripcast.grip-sig.verify-keys}, an endpoint's
 * {@code verify-key}, or GRIP_VERIFY_KEY), on {@code gripcast.grip-sig.url-patterns}.
 */
@AutoConfiguration(after = GripcastAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({GripSigFilter.class, FilterRegistrationBean.class})
@ConditionalOnBooleanProperty(name = "gripcast.enabled", matchIfMissing = true)
@Conditional(Conditions.OnVerifyKey.class)
public class GripcastServletAutoConfiguration {

  /**
   * The filter's registration.
   *
   * @param properties gripcast.grip-sig.*
   * @param environment for GRIP_URL and GRIP_VERIFY_KEY
   * @return the registration
   */
  @Bean
  @ConditionalOnMissingBean(name = "gripSigFilter")
  public FilterRegistrationBean<GripSigFilter> gripSigFilter(GripcastProperties properties, Environment environment) {
    GripSigFilter.Builder b = GripSigFilter.builder().requireSigned(properties.getGripSig().isRequired());
    for (GripSigVerifier v : GripcastSettings.verifiers(properties, environment)) {
      b.verifier(v);
    }
    FilterRegistrationBean<GripSigFilter> registration = new FilterRegistrationBean<>(b.build());
    registration.setName("gripSigFilter");
    registration.setUrlPatterns(properties.getGripSig().getUrlPatterns());
    return registration;
  }
}
