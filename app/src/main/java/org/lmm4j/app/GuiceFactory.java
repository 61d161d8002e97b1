package org.lmm4j.app;

import com.google.inject.ConfigurationException;
import com.google.inject.Injector;
import picocli.CommandLine;

/**
 * Lets picocli obtain its command, mixin and converter instances from Guice, so commands can ask for
 * {@code @Inject Plugins plugins}. Classes Guice cannot build (picocli's own helpers) fall back to
 * picocli's default factory.
 */
public final class GuiceFactory implements CommandLine.IFactory {

    private final Injector injector;

    public GuiceFactory(Injector injector) {
        this.injector = injector;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        try {
            return injector.getInstance(cls);
        } catch (ConfigurationException e) {
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
