using System.Text.RegularExpressions;

namespace GenResilience.Docs.Tests;

/// <summary>A fenced C# block of a Markdown file.</summary>
/// <param name="File">The Markdown file, relative to the repository root, with forward slashes.</param>
/// <param name="Line">The 1-based line of the opening fence: what a reader looks for.</param>
/// <param name="FirstCodeLine">The 1-based line of the block's first line of code.</param>
/// <param name="Code">The block's text, with the fence's indentation removed.</param>
/// <param name="Directive">The <c>&lt;!-- snippet: ... --&gt;</c> comment right above the fence, if any.</param>
internal sealed record DocBlock(string File, int Line, int FirstCodeLine, string Code, SnippetDirective? Directive)
{
    /// <summary>Where the block is, as a test case shows it: <c>docs/errors.md:30</c>.</summary>
    public string Id => $"{File}:{Line}";

    public bool IsExcluded => Directive is { IsNoCompile: true, Reason.Length: > 0 };
}

/// <summary>
/// A <c>&lt;!-- snippet: ... --&gt;</c> comment on the line right above a fence. The only one there is:
/// <c>&lt;!-- snippet: no-compile (why) --&gt;</c>.
/// </summary>
internal sealed record SnippetDirective(string Text, bool IsNoCompile, string Reason);

/// <summary>Finds the fenced C# blocks (<c>```csharp</c>, <c>```cs</c>, <c>```c#</c>) of Markdown text.</summary>
internal static partial class MarkdownCodeBlocks
{
    private static readonly string[] CSharpLanguages = ["csharp", "cs", "c#"];

    /// <summary>The Markdown files whose C# blocks are compiled: every <c>*.md</c> of the repository but build output.</summary>
    public static IEnumerable<string> FindMarkdownFiles(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true };
        var pending = new Stack<string>([root]);
        var files = new List<string>();
        while (pending.TryPop(out string? directory))
        {
            files.AddRange(Directory.EnumerateFiles(directory, "*.md", options));
            foreach (string child in Directory.EnumerateDirectories(directory, "*", options))
            {
                string name = Path.GetFileName(child);
                if (!name.StartsWith('.') && name is not ("bin" or "obj" or "artifacts" or "node_modules" or "TestResults" or "BenchmarkDotNet.Artifacts"))
                {
                    pending.Push(child);
                }
            }
        }

        return files.Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal);
    }

    /// <summary>The C# blocks of one Markdown text.</summary>
    /// <param name="file">The file's name in the results.</param>
    /// <param name="markdown">The file's text.</param>
    public static IReadOnlyList<DocBlock> Parse(string file, string markdown)
    {
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<DocBlock>();
        for (int i = 0; i < lines.Length; i++)
        {
            Match open = OpeningFence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            int indent = open.Groups["indent"].Length;
            string fence = open.Groups["fence"].Value;
            string language = open.Groups["info"].Value.Trim().Split(' ', 2)[0];
            int end = i + 1;
            while (end < lines.Length && !IsClosingFence(lines[end], fence))
            {
                end++;
            }

            if (CSharpLanguages.Contains(language, StringComparer.OrdinalIgnoreCase))
            {
                string code = string.Join('\n', lines[(i + 1)..Math.Min(end, lines.Length)].Select(l => Unindent(l, indent)));
                blocks.Add(new DocBlock(file, i + 1, i + 2, code, DirectiveAbove(lines, i)));
            }

            i = end;
        }

        return blocks;
    }

    private static bool IsClosingFence(string line, string fence)
    {
        string trimmed = line.Trim();
        return trimmed.Length >= fence.Length && trimmed.All(c => c == fence[0]);
    }

    private static string Unindent(string line, int indent)
    {
        int spaces = 0;
        while (spaces < indent && spaces < line.Length && line[spaces] == ' ')
        {
            spaces++;
        }

        return line[spaces..];
    }

    private static SnippetDirective? DirectiveAbove(string[] lines, int fenceIndex)
    {
        if (fenceIndex == 0)
        {
            return null;
        }

        Match comment = DirectiveComment().Match(lines[fenceIndex - 1]);
        if (!comment.Success)
        {
            return null;
        }

        string text = comment.Groups["text"].Value.Trim();
        Match noCompile = NoCompile().Match(text);
        return noCompile.Success
            ? new SnippetDirective(text, IsNoCompile: true, Reason: noCompile.Groups["reason"].Value.Trim())
            : new SnippetDirective(text, IsNoCompile: false, Reason: "");
    }

    [GeneratedRegex(@"^(?<indent> *)(?<fence>`{3,}|~{3,})(?<info>[^`]*)$")]
    private static partial Regex OpeningFence();

    [GeneratedRegex(@"^\s*<!--\s*snippet:(?<text>.*?)-->\s*$")]
    private static partial Regex DirectiveComment();

    [GeneratedRegex(@"^no-compile\s*\((?<reason>.*)\)$")]
    private static partial Regex NoCompile();
}
