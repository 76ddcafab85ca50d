package io.chatmesh.ops;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Kubernetes' API as its Java client generates it from the OpenAPI spec: each model lists its fields
 * and {@code validateJsonElement} refuses any other (and missing required ones), recursively. A
 * manifest's apiVersion and kind name its model: apps/v1 Deployment is V1Deployment, autoscaling/v2
 * HorizontalPodAutoscaler is V2HorizontalPodAutoscaler.
 */
final class KubernetesApi {

    private static final String MODELS = "io.kubernetes.client.openapi.models.";

    private KubernetesApi() {}

    static void validate(Tree manifest) {
        String apiVersion = manifest.get("apiVersion").text();
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        String model = MODELS + Character.toUpperCase(version.charAt(0)) + version.substring(1) + manifest.get("kind").text();
        JsonElement json = new Gson().toJsonTree(manifest.value());
        try {
            Method validate = Class.forName(model).getMethod("validateJsonElement", JsonElement.class);
            validate.invoke(null, json);
        } catch (InvocationTargetException e) {
            throw new AssertionError(manifest.path() + " " + manifest.get("kind").text() + " "
                    + manifest.get("metadata", "name").text() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(manifest.path() + ": no Kubernetes model " + model, e);
        }
    }
}
