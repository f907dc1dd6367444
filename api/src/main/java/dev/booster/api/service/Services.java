package dev.booster.api.service;

import java.util.List;

/** Kubernetes services. */
public interface Services {

    /** Installs or replaces the service {@code spec.key()}; established flows keep their backend when it remains. */
    void put(ServiceSpec spec);

    boolean remove(String namespace, String name);

    List<ServiceSpec> list();
}
