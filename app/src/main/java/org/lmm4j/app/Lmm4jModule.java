package org.lmm4j.app;

import com.google.inject.AbstractModule;
import java.net.URL;
import java.security.CodeSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Estimator;

/**
 * The Guice wiring of the command line. The one place where {@link ServiceLoader} looks for plug-ins:
 * every {@link Estimator} and {@link CovarianceStructure} on the class path (declared in
 * {@code META-INF/services}) is kept by its name in the {@link Plugins} that commands are given, so dropping a jar
 * with a new implementation makes it usable with no other change. Two plug-ins of the same name, or none of a kind,
 * are errors that say which classes and jars are involved. (A Guice {@code MapBinder} of the same maps cost the start
 * of every command about 50 classes and 40 ms, for bindings nothing else asked for.)
 */
public final class Lmm4jModule extends AbstractModule {

    private final Map<String, Estimator> estimators;
    private final Map<String, CovarianceStructure> structures;

    private final Prewarm prewarm;
    private final EarlyRead early;

    /** Discovers the plug-ins visible to the class loader that loaded lmm4j. */
    public Lmm4jModule() {
        this(Lmm4jModule.class.getClassLoader());
    }

    /** Discovers the plug-ins visible to {@code loader}. */
    public Lmm4jModule(ClassLoader loader) {
        this(loader, Prewarm.none(), EarlyRead.none());
    }

    /**
     * The command line's module, with its start-up thread ({@link Prewarm}), which commands may wait for, and the
     * data read from the start ({@link EarlyRead}), which {@code fit} may take.
     */
    Lmm4jModule(Prewarm prewarm, EarlyRead early) {
        this(Lmm4jModule.class.getClassLoader(), prewarm, early);
    }

    private Lmm4jModule(ClassLoader loader, Prewarm prewarm, EarlyRead early) {
        this.estimators = discover(Estimator.class, loader, Estimator::name);
        this.structures = discover(CovarianceStructure.class, loader, CovarianceStructure::name);
        this.prewarm = prewarm;
        this.early = early;
    }

    @Override
    protected void configure() {
        bind(Plugins.class).toInstance(Plugins.of(estimators, structures));
        bind(Prewarm.class).toInstance(prewarm);
        bind(EarlyRead.class).toInstance(early);
    }

    /** Loads every implementation of {@code spi}; fails on none or on a duplicate name. */
    static <T> Map<String, T> discover(Class<T> spi, ClassLoader loader, Function<T, String> nameOf) {
        Map<String, T> found = new LinkedHashMap<>();
        Iterator<T> it = ServiceLoader.load(spi, loader).iterator();
        while (true) {
            T impl;
            try {
                if (!it.hasNext()) {
                    break;
                }
                impl = it.next();
            } catch (ServiceConfigurationError e) {
                throw new PluginException("a plug-in (" + spi.getSimpleName() + ") could not be loaded: "
                        + e.getMessage());
            }
            String name = nameOf.apply(impl);
            if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
                throw new PluginException(spi.getSimpleName() + " " + describe(impl)
                        + " has an unusable name '" + name + "' (it must be one word)");
            }
            T previous = found.putIfAbsent(name, impl);
            if (previous != null) {
                throw new PluginException("two " + spi.getSimpleName() + " plug-ins are named '" + name + "': "
                        + describe(previous) + " and " + describe(impl) + "; remove one of them from the class path");
            }
        }
        if (found.isEmpty()) {
            throw new PluginException("no " + spi.getSimpleName() + " plug-in found on the class path (expected "
                    + "META-INF/services/" + spi.getName() + " in a jar such as the lmm4j modules)");
        }
        return found;
    }

    /** The implementing class and the jar (or directory) it came from. */
    static String describe(Object impl) {
        Class<?> c = impl.getClass();
        CodeSource src = c.getProtectionDomain() == null ? null : c.getProtectionDomain().getCodeSource();
        URL where = src == null ? null : src.getLocation();
        return c.getName() + " (from " + (where == null ? "an unknown location" : where.toString()) + ")";
    }

    /** A plug-in configuration problem: duplicate names, none found, or a provider that fails to load. */
    public static final class PluginException extends RuntimeException {
        public PluginException(String message) {
            super(message);
        }
    }
}
