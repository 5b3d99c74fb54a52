package io.gripcast.spring.boot;

import io.gripcast.spring.boot.web.GripArgumentResolver;
import io.gripcast.spring.boot.web.GripReturnValueHandler;
import io.gripcast.ws.WebSocketOptions;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Spring MVC support: controller methods may take a {@code WebSocketContext} or
 * {@code GripRequest} and return a {@code WebSocketResponse} or {@code GripInstruct}. A
 * {@link WebSocketOptions} bean, if any, configures the contexts.
 */
@AutoConfiguration(after = GripcastAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({WebMvcConfigurer.class, GripArgumentResolver.class})
@ConditionalOnBooleanProperty(name = "gripcast.enabled", matchIfMissing = true)
public class GripcastWebMvcAutoConfiguration {

  /**
   * Adds the argument resolver.
   *
   * @param options WebSocket-over-HTTP options, the defaults when there is no such bean
   * @return the configurer
   */
  @Bean
  public WebMvcConfigurer gripcastWebMvcConfigurer(ObjectProvider<WebSocketOptions> options) {
    return new WebMvcConfigurer() {
      @Override
      public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new GripArgumentResolver(options.getIfAvailable(WebSocketOptions::defaults)));
      }
    };
  }

  /**
   * Puts {@link GripReturnValueHandler} first: handlers added through a WebMvcConfigurer come after
   * {@code @ResponseBody}'s, which would write a {@code @RestController}'s WebSocketResponse as
   * JSON.
   *
   * @return the post-processor
   */
  @Bean
  public static BeanPostProcessor gripcastReturnValueHandlerPostProcessor() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
          List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>();
          handlers.add(new GripReturnValueHandler());
          handlers.addAll(adapter.getReturnValueHandlers());
          adapter.setReturnValueHandlers(handlers);
        }
        return bean;
      }
    };
  }
}
