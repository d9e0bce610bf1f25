using System.Reflection;
using Xunit.Abstractions;

namespace GenResilience.Docs.Tests;

/// <summary>
/// Every C# block of the repository's Markdown compiles, so an example cannot drift from the API. One test case per
/// block, named by file and line (<c>Block_Compiles(block: "docs/errors.md:30")</c>); a failure lists the compiler's
/// diagnostics at the Markdown file's lines. The conventions are in CONTRIBUTING.md, "Code in the docs".
/// </summary>
public sealed class DocSnippetTests(ITestOutputHelper output)
{
    /// <summary>Blocks marked <c>&lt;!-- snippet: no-compile (why) --&gt;</c> stay rare: fix the block instead.</summary>
    private const int MaxExcludedBlocks = 2;

    private static readonly Lazy<IReadOnlyList<DocBlock>> AllBlocks = new(FindBlocks);

    public static string RepositoryRoot { get; } = typeof(DocSnippetTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    public static TheoryData<string> CompiledBlocks() => [.. AllBlocks.Value.Where(b => !b.IsExcluded).Select(b => b.Id)];

    [Theory]
    [MemberData(nameof(CompiledBlocks))]
    public void Block_Compiles(string block)
    {
        SnippetCompilation result = SnippetCompiler.Compile(AllBlocks.Value.Single(b => b.Id == block));
        output.WriteLine($"{block}: compiled as {(result.Shape == SnippetShape.File ? "a whole file" : "a fragment")}");

        Assert.True(result.Compiles, result.Describe());
    }

    [Fact]
    public void Markdown_ReadmeAndDocs_HaveTheirBlocksFound()
    {
        IReadOnlyList<DocBlock> blocks = AllBlocks.Value;
        output.WriteLine($"{blocks.Count} C# blocks in {blocks.Select(b => b.File).Distinct().Count()} Markdown files, {blocks.Count(b => b.IsExcluded)} not compiled");

        Assert.Contains(blocks, b => b.File == "README.md");
        Assert.Contains(blocks, b => b.File.StartsWith("docs/providers/", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.File == "src/GenResilience.Testing/README.md");
    }

    [Fact]
    public void Markdown_ExcludedBlocks_AreFewAndEachSaysWhy()
    {
        DocBlock[] excluded = [.. AllBlocks.Value.Where(b => b.Directive is { IsNoCompile: true })];
        foreach (DocBlock block in excluded)
        {
            output.WriteLine($"not compiled: {block.Id}: {block.Directive!.Reason}");
        }

        Assert.All(excluded, b => Assert.False(string.IsNullOrWhiteSpace(b.Directive!.Reason), $"{b.Id}: say why in no-compile (...)"));
        Assert.True(excluded.Length <= MaxExcludedBlocks,
            $"{excluded.Length} blocks are marked no-compile, more than {MaxExcludedBlocks}: {string.Join(", ", excluded.Select(b => b.Id))}");
    }

    [Fact]
    public void Markdown_SnippetComments_AreOnlyNoCompile()
    {
        DocBlock[] unknown = [.. AllBlocks.Value.Where(b => b.Directive is { IsNoCompile: false })];

        Assert.True(unknown.Length == 0, "unknown <!-- snippet: ... --> comments (the only one is 'no-compile (why)'): "
            + string.Join(", ", unknown.Select(b => $"{b.Id}: '{b.Directive!.Text}'")));
    }

    private static IReadOnlyList<DocBlock> FindBlocks() =>
    [
        .. MarkdownCodeBlocks.FindMarkdownFiles(RepositoryRoot)
            .SelectMany(file => MarkdownCodeBlocks.Parse(file, File.ReadAllText(Path.Combine(RepositoryRoot, file)))),
    ];
}
