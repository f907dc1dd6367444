/**
 * The Booster node agent: one per Kubernetes node, embedding a {@link dev.booster.api.Dataplane}, serving the CNI
 * plugin and reconciling the Kubernetes API into the dataplane. Entry points: {@link dev.booster.agent.NodeAgent}
 * (embedding) and {@link dev.booster.agent.AgentMain} (the process).
 */
package dev.booster.agent;
