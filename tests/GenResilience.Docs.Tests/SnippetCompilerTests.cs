namespace GenResilience.Docs.Tests;

/// <summary>The checker itself: it finds blocks, keeps their lines, and fails a block that would not compile.</summary>
public sealed class SnippetCompilerTests
{
    [Fact]
    public void Parse_FencesOfEveryCSharpSpelling_FindsThemAtTheirLines()
    {
        const string markdown = """
            # Title

            ```csharp
            services.AddGenerationClients();
            ```

            ```json
            { "a": 1 }
            ```

            - a list item:
              ```cs
              services.AddGenerationClients();
              ```

            ~~~c#
            services.AddGenerationClients();
            ~~~
            """;

        IReadOnlyList<DocBlock> blocks = MarkdownCodeBlocks.Parse("docs/x.md", markdown);

        Assert.Equal(["docs/x.md:3", "docs/x.md:12", "docs/x.md:16"], blocks.Select(b => b.Id));
        Assert.All(blocks, b => Assert.Equal("services.AddGenerationClients();", b.Code));
    }

    [Fact]
    public void Parse_NoCompileComment_ExcludesTheBlockWithItsReason()
    {
        const string markdown = """
            <!-- snippet: no-compile (the output of the probe) -->
            ```csharp
            Bytez: Healthy
            ```
            """;

        DocBlock block = Assert.Single(MarkdownCodeBlocks.Parse("docs/x.md", markdown));

        Assert.True(block.IsExcluded);
        Assert.Equal("the output of the probe", block.Directive!.Reason);
    }

    [Fact]
    public void Compile_FragmentWithTheRealApi_Compiles()
    {
        SnippetCompilation result = CompileOnly("""
            builder.Services.AddGenerationClients();
            IUseApiClient client = provider.GetRequiredService<IUseApiClient>();
            """);

        Assert.True(result.Compiles, result.Describe());
        Assert.Equal(SnippetShape.Fragment, result.Shape);
    }

    [Fact]
    public void Compile_FragmentWithAWrongName_ReportsTheMarkdownLineAndTheDiagnostic()
    {
        SnippetCompilation result = CompileOnly("""
            builder.Services.AddGenerationClients();

            builder.Services.AddGenerationClientz();
            """);

        Assert.False(result.Compiles);
        Assert.Equal("CS1061", Assert.Single(result.Problems).Id);
        Assert.Contains("docs/x.md(14,18): error CS1061", result.Describe(), StringComparison.Ordinal);
        Assert.Contains("builder.Services.AddGenerationClientz();", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_FragmentThatUsesAnUndeclaredVariable_Fails()
    {
        SnippetCompilation result = CompileOnly("string url = await bytezClients.GenerateImageAsync(\"m\", \"a fox\");");

        Assert.Equal("CS0103", Assert.Single(result.Problems).Id);
    }

    [Fact]
    public void Compile_FragmentOfATestClass_CompilesItsMembers()
    {
        SnippetCompilation result = CompileOnly("""
            [Fact]
            public async Task Probe_Simulator_IsReady()
            {
                using var bytez = BytezSimulator.Start().WithKey("test-key-1");
                await Task.Yield();
                Assert.NotNull(Helper.Name);
            }

            private static class Helper
            {
                public static string Name => "x";
            }
            """);

        Assert.True(result.Compiles, result.Describe());
    }

    [Fact]
    public void Compile_WholeFileWithoutItsUsings_FailsWhereAFragmentWouldNot()
    {
        // A block with using directives is a whole program: the fragments' usings and ambient variables do not apply.
        SnippetCompilation result = CompileOnly("""
            using GenResilience;

            var services = new ServiceCollection();
            services.AddGenerationClients();
            """);

        Assert.Equal(SnippetShape.File, result.Shape);
        Assert.Contains(result.Problems, p => p.Id == "CS0246"); // ServiceCollection: no using Microsoft.Extensions.DependencyInjection
    }

    [Fact]
    public void Compile_WholeProgram_Compiles()
    {
        SnippetCompilation result = CompileOnly("""
            using GenResilience;
            using Microsoft.Extensions.DependencyInjection;

            var services = new ServiceCollection();
            services.AddGenerationClients();
            await using ServiceProvider provider = services.BuildServiceProvider();
            Console.WriteLine(provider.GetService<IBytezClient>() is null);
            """);

        Assert.True(result.Compiles, result.Describe());
    }

    [Fact]
    public void Compile_BlockThatDoesNotParse_ReportsTheSyntaxError()
    {
        SnippetCompilation result = CompileOnly("""
            catch (GenerationException e)
            {
                Console.WriteLine(e.UserMessage);
            }
            """);

        Assert.False(result.Compiles);
        Assert.All(result.Problems, p => Assert.Equal("docs/x.md", p.Location.GetMappedLineSpan().Path));
    }

    [Fact]
    public void Compile_NullableWarning_FailsTheBlock()
    {
        SnippetCompilation result = CompileOnly("""
            VideoGenerationResponse video = await videos.GenerateAsync(new VideoGenerationRequest("a fox"));
            Console.WriteLine(video.Failover.ServedBy);
            """);

        Assert.Equal("CS8602", Assert.Single(result.Problems).Id);
    }

    /// <summary>Compiles <paramref name="code"/> as a block whose fence is on line 11 of docs/x.md.</summary>
    private static SnippetCompilation CompileOnly(string code) =>
        SnippetCompiler.Compile(new DocBlock("docs/x.md", 11, 12, code.ReplaceLineEndings("\n"), Directive: null));
}
