package dev.argoartifact.common.secrets;

import dev.argoartifact.common.config.ConfigurationException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads keys of Kubernetes Secrets with the pod's service account, in the pod's own namespace
 * (Argo sends no namespace, and the configuration is not trusted to pick one). The client is
 * created on first use, so drivers that never see a secretKeyRef never touch the API.
 */
public final class KubernetesSecrets implements AutoCloseable {
  private final Supplier<KubernetesClient> factory;
  private volatile KubernetesClient client;

  public KubernetesSecrets() {
    this(() -> new KubernetesClientBuilder().build());
  }

  public KubernetesSecrets(Supplier<KubernetesClient> factory) {
    this.factory = factory;
  }

  byte[] read(String field, SecretRef.SecretKeyRef ref) {
    KubernetesClient api = client();
    String namespace = api.getNamespace() != null ? api.getNamespace() : "default";
    Secret secret;
    try {
      secret = api.secrets().inNamespace(namespace).withName(ref.name()).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        throw new ConfigurationException(field, "refers to Secret '" + ref.name() + "' in namespace '" + namespace
            + "', which the pod's service account may not read: grant it 'get' on that secret");
      }
      throw new ConfigurationException(field, "refers to Secret '" + ref.name() + "' in namespace '" + namespace
          + "', which could not be read from the Kubernetes API (HTTP " + e.getCode() + ")");
    }
    if (secret == null) {
      throw new ConfigurationException(field, "refers to Secret '" + ref.name() + "' in namespace '" + namespace + "', which does not exist");
    }
    Map<String, String> data = secret.getData();
    if (data != null && data.containsKey(ref.key())) {
      return Base64.getDecoder().decode(data.get(ref.key()));
    }
    Map<String, String> stringData = secret.getStringData();
    if (stringData != null && stringData.containsKey(ref.key())) {
      return stringData.get(ref.key()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    TreeSet<String> keys = new TreeSet<>();
    if (data != null) {
      keys.addAll(data.keySet());
    }
    throw new ConfigurationException(field, "refers to key '" + ref.key() + "' of Secret '" + ref.name()
        + "', which has no such key (it has: " + String.join(", ", keys) + ")");
  }

  private KubernetesClient client() {
    KubernetesClient c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          try {
            client = factory.get();
          } catch (RuntimeException e) {
            throw new ConfigurationException(null, "secretKeyRef needs the Kubernetes API, which is not reachable from here: " + e.getMessage());
          }
        }
        c = client;
      }
    }
    return c;
  }

  @Override
  public void close() {
    KubernetesClient c = client;
    if (c != null) {
      c.close();
    }
  }
}
