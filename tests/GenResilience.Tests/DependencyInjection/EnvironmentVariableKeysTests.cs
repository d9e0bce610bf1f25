using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenResilience.Tests.DependencyInjection;

[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

[Collection(nameof(ProcessEnvironment))]
public class EnvironmentVariableKeysTests
{
    [Fact]
    public void AddGenerationClients_ProcessEnvironmentVariables_AreReadWithoutAnyConfiguration()
    {
        string[] names = ["BYTEZ_API_KEY_1", "BYTEZ_API_KEY_2", "BYTEZ_API_KEY_4", "USEAPI_API_TOKEN"];
        try
        {
            Environment.SetEnvironmentVariable("BYTEZ_API_KEY_1", "test-key-env-1");
            Environment.SetEnvironmentVariable("BYTEZ_API_KEY_2", "test-key-env-2");
            Environment.SetEnvironmentVariable("BYTEZ_API_KEY_4", "test-key-env-4");
            Environment.SetEnvironmentVariable("USEAPI_API_TOKEN", "test-token-env");
            var services = new ServiceCollection();
            services.AddGenerationClients();
            using ServiceProvider provider = services.BuildServiceProvider();

            GenerationClientsOptions options = provider.GetRequiredService<IOptions<GenerationClientsOptions>>().Value;

            Assert.Equal(["test-key-env-1", "test-key-env-2", "test-key-env-4"], options.Bytez?.ApiKeys);
            Assert.Equal(["test-token-env"], options.UseApi?.ApiKeys);
            provider.GetRequiredService<IStartupValidator>().Validate();
        }
        finally
        {
            foreach (string name in names)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }
}
