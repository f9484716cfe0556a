/**
 * Reads what the CDK app synthesizes, so the local cloud can deploy the CloudFormation template itself rather than
 * re-deriving the deployment from the model catalog: {@link dev.inferbus.local.template.Synthesizer} runs the app
 * (cached on its inputs), {@link dev.inferbus.local.template.CloudAssembly} reads the cloud assembly,
 * {@link dev.inferbus.local.template.Intrinsics} resolves {@code Ref}/{@code Fn::*} against
 * {@link dev.inferbus.local.template.PhysicalNames}, of which {@link dev.inferbus.local.template.LocalNames} is
 * the local cloud's naming.
 */
package dev.inferbus.local.template;
