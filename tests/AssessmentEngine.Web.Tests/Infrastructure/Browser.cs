using Microsoft.Playwright;

namespace AssessmentEngine.Web.Tests.Infrastructure;

/// <summary>Debian's chromium driven by Playwright, one per test class. Playwright's own browser download does not work here.</summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing. ./ae test installs it (apt-get install chromium) when run as root; install it and run the tests again.");
        }

        // One limit for every assertion in every class (it is global to Playwright, so no class sets its own): a
        // condition normally holds within milliseconds, and a generous limit only matters on a busy machine.
        Assertions.SetDefaultExpectTimeout(ExpectTimeout);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>How long an assertion waits for its condition.</summary>
    public const float ExpectTimeout = 30_000;

    /// <summary>How long an action or a navigation waits (a click, an address, a page's DOMContentLoaded).</summary>
    public const float ActionTimeout = 60_000;

    /// <summary>A browser context of its own (a person), with the suite's limits for actions and navigations.</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await Chromium.NewContextAsync(options ?? new BrowserNewContextOptions());
        context.SetDefaultTimeout(ActionTimeout);
        context.SetDefaultNavigationTimeout(ActionTimeout);
        return context;
    }

    /// <summary>
    /// Opens an address and waits for its DOMContentLoaded, not its load event (see SignInStaffAsync). A navigation the page
    /// makes itself (a form, a script) is waited for by its address alone (WaitUntil Commit), then the element the test
    /// needs next: side by side with another run, chromium reported neither DOMContentLoaded nor load within 60 s for
    /// such navigations although the network had long been idle.
    /// </summary>
    public static Task<IResponse?> OpenAsync(IPage page, string address) =>
        page.GotoAsync(address, new() { WaitUntil = WaitUntilState.DOMContentLoaded });

    /// <summary>
    /// Signs a member of staff in on the page. It waits for the address to leave /signin, not for the next page's load
    /// event: a page whose scripts keep connections open may hold that event back on a busy machine.
    /// </summary>
    public static async Task SignInStaffAsync(IPage page, string baseUrl, string email, string password)
    {
        await OpenAsync(page, baseUrl + "/signin");
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Password", new() { Exact = true }).PressAsync("Enter");
        await Assertions.Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"), new() { Timeout = ActionTimeout });
    }

    /// <summary>Signs a candidate in on the page, as they do at the sign-in page, and waits for their home.</summary>
    public static async Task SignInCandidateAsync(IPage page, string baseUrl, string centreNumber, string candidateNumber, string password)
    {
        await OpenAsync(page, baseUrl + "/signin");
        await page.GetByLabel("Centre number").FillAsync(centreNumber);
        await page.GetByLabel("Candidate number").FillAsync(candidateNumber);
        await page.GetByLabel("Password or sign-in code").FillAsync(password);
        await page.GetByLabel("Password or sign-in code").PressAsync("Enter");
        await ArriveAsync(page, baseUrl + "/candidate");
    }

    /// <summary>
    /// Waits until the page's address is <paramref name="address"/>, by polling the address alone. Not WaitForURLAsync: when
    /// the page is already there, that waits for the load state instead, which a busy chromium may never report.
    /// </summary>
    public static Task ArriveAsync(IPage page, string address) =>
        Assertions.Expect(page).ToHaveURLAsync(address, new() { Timeout = ActionTimeout });

    public static Task ArriveAsync(IPage page, System.Text.RegularExpressions.Regex address) =>
        Assertions.Expect(page).ToHaveURLAsync(address, new() { Timeout = ActionTimeout });

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
