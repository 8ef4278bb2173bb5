//! Driving the desktop app in its real window: tauri-driver (which starts
//! WebKitWebDriver) on free ports, one WebDriver session on the app binary, and
//! helpers that wait for what the UI shows.

use fantoccini::{Client, ClientBuilder, Locator};
use piaojia_e2e::{binary, Running};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub use piaojia_e2e::ReferenceService;

/// How long the UI gets to show something before a test fails.
pub const PATIENCE: Duration = Duration::from_secs(60);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Taken first by every test of a binary: one window at a time (the kiosk tests
/// also scan the disk and the print spool for what a session left behind), while
/// `cargo test --workspace` runs each binary's tests on threads of their own.
pub async fn one_window_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    WINDOW.lock().await
}

/// The app in its window, with its own wallet, settings and save folder.
pub struct Desktop {
    pub client: Client,
    pub dirs: TempDir,
    driver: Running,
    /// The X display the window is on.
    display: String,
}

impl Desktop {
    /// Launches `app` (a built piaojia-desktop) through a new tauri-driver. `settings`
    /// is written as the app's settings file first; `env` is added to the app's.
    pub async fn launch(app: &Path, settings: serde_json::Value, env: &[(&str, &str)]) -> Desktop {
        Desktop::launch_with_args(app, settings, env, &[]).await
    }

    /// Launches `app` set up for `service` (Zhejiang, in Chinese) and logs the demo
    /// citizen in through the login screen, with the SMS code from the service's log.
    pub async fn logged_in(app: &Path, service: &ReferenceService) -> Desktop {
        Desktop::logged_in_with(app, service, serde_json::json!({})).await
    }

    /// As [`Desktop::logged_in`], with `extra` settings (e.g. the text size).
    pub async fn logged_in_with(
        app: &Path,
        service: &ReferenceService,
        extra: serde_json::Value,
    ) -> Desktop {
        let mut settings = serde_json::json!({
            "service": { "province": "330000", "url": service.url, "root_key": service.root_key },
            "language": "zh-CN",
        });
        for (key, value) in extra.as_object().expect("settings are an object") {
            settings[key] = value.clone();
        }
        let desktop = Desktop::launch(app, settings, &[]).await;
        desktop
            .type_into("input[name=id_number]", &service.citizen_id)
            .await;
        desktop.click("[data-testid=send-code]").await;
        let code = service.wait_for_sms_code(&service.citizen_id).await;
        desktop.type_into("input[name=sms_code]", &code).await;
        desktop.click("[data-testid=login]").await;
        desktop
    }

    /// As [`Desktop::launch`], with command-line arguments for the app.
    pub async fn launch_with_args(
        app: &Path,
        settings: serde_json::Value,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Desktop {
        let dirs = TempDir::new().expect("temp dir");
        let config = dirs.path().join("config");
        std::fs::create_dir_all(&config).unwrap();
        let mut settings = settings;
        settings["save_dir"] = dirs.path().join("saved").display().to_string().into();
        std::fs::write(config.join("settings.json"), settings.to_string()).unwrap();
        Desktop::start_in(dirs, app, env, args).await
    }

    /// Starts the app again in the same home (its wallet, settings and whatever its
    /// webview left there), as after a crash; the old driver session is dropped.
    pub async fn relaunch(self, app: &Path, env: &[(&str, &str)], args: &[&str]) -> Desktop {
        let _ = self.client.close().await;
        drop(self.driver);
        Desktop::start_in(self.dirs, app, env, args).await
    }

    async fn start_in(dirs: TempDir, app: &Path, env: &[(&str, &str)], args: &[&str]) -> Desktop {
        let (port, native) = (free_port(), free_port());
        let driver_bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        let mut command = Command::new(driver_bin);
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .envs(app_env(dirs.path()))
            .envs(env.iter().copied());
        let driver = Running::start(command);
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + PATIENCE;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen: {}",
                driver.all_output()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app.display().to_string(), "args": args }),
        );
        // tauri-driver listens before WebKitWebDriver behind it does, and then and
        // again drops the first session request (seen once in a CI run, right after a
        // kill -9 of the app); a few tries, a second apart.
        let mut attempt = 0;
        let client = loop {
            attempt += 1;
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if attempt < 3 => {
                    eprintln!("WebDriver session, try {attempt}: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(e) => panic!("no WebDriver session: {e}; {}", driver.all_output()),
            }
        };
        let display = env
            .iter()
            .find(|(name, _)| *name == "DISPLAY")
            .map(|(_, value)| value.to_string())
            .or_else(|| std::env::var("DISPLAY").ok())
            .expect("an X display");
        Desktop {
            client,
            dirs,
            driver,
            display,
        }
    }

    pub fn home(&self) -> &Path {
        self.dirs.path()
    }

    /// Starts `app` a second time, outside WebDriver, in this one's home and wallet,
    /// and waits for it to end (at most 30 s).
    pub fn start_again(&self, app: &Path, env: &[(&str, &str)]) -> std::process::Output {
        use std::process::Stdio;
        let mut child = Command::new(app)
            .envs(app_env(self.dirs.path()))
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the app starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("a second start did not end");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        child.wait_with_output().unwrap()
    }

    /// Asks the built-in demo service for a login code (获取验证码) and reads the
    /// code the first-run screen shows for the demo citizen.
    pub async fn demo_code(&self) -> String {
        self.click("[data-testid=send-code]").await;
        self.wait_until(
            "the demo code is shown",
            async |c| read_attr(c, "[data-testid=demo-code]", "data-code").await,
            |code| code.len() == 6,
        )
        .await
    }

    /// Everything the app wrote to its log files.
    pub fn log_text(&self) -> String {
        let dir = self.dirs.path().join("state/piaojia");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        files
            .iter()
            .map(|file| std::fs::read_to_string(file).unwrap())
            .collect()
    }

    pub fn save_dir(&self) -> PathBuf {
        self.dirs.path().join("saved")
    }

    /// Waits for an element matching `css` to exist.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!("{css} never appeared: {e}\n{}", self.driver.all_output()),
        }
    }

    /// Waits until `check` holds for the text or attribute read by `read`.
    /// Waits until the list counts at least `at_least` receipts; their count.
    pub async fn receipts_listed(&self, at_least: u32) -> u32 {
        self.wait_until(
            "receipts are listed",
            async |c| read_attr(c, "[data-testid=summary]", "data-count").await,
            |n| n.parse::<u32>().is_ok_and(|n| n >= at_least),
        )
        .await
        .parse()
        .expect("a count")
    }

    pub async fn wait_until<T: std::fmt::Debug>(
        &self,
        what: &str,
        mut read: impl AsyncFnMut(&Client) -> Option<T>,
        check: impl Fn(&T) -> bool,
    ) -> T {
        let deadline = Instant::now() + PATIENCE;
        let mut last = None;
        while Instant::now() < deadline {
            if let Some(value) = read(&self.client).await {
                if check(&value) {
                    return value;
                }
                last = Some(value);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{what}: never true; last seen {last:?}");
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        read_attr(&self.client, css, name).await
    }

    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        field.clear().await.unwrap();
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Puts `text` into a field as an input method commits it: one `input` event
    /// with the whole text. WebKitWebDriver's key events cannot type CJK characters.
    pub async fn commit_text(&self, css: &str, text: &str) {
        self.wait_for(css).await;
        self.client
            .execute(
                "const field = document.querySelector(arguments[0]);
                 field.focus();
                 field.value = arguments[1];
                 field.dispatchEvent(new InputEvent('input', { bubbles: true, data: arguments[1], inputType: 'insertText' }));",
                vec![css.into(), text.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("commit text into {css}: {e}"));
    }

    /// A screenshot of the window, kept in the target folder and, with
    /// PIAOJIA_UPDATE_SCREENSHOTS set, in docs/screenshots for the README.
    pub async fn screenshot(&self, name: &str) -> Vec<u8> {
        // Fonts loaded and two frames painted, or the picture shows the screen before.
        self.client
            .execute_async(
                "const done = arguments[0];
                 document.fonts.ready.then(() =>
                     requestAnimationFrame(() => requestAnimationFrame(() => done(true))));",
                vec![],
            )
            .await
            .expect("the page paints");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.grab_window();
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let keep = std::env::temp_dir().join("piaojia-screenshots");
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(keep.join(format!("{name}.png")), &png).unwrap();
        if std::env::var_os("PIAOJIA_UPDATE_SCREENSHOTS").is_some() {
            // Found when the test runs (a shared build cache may have built it elsewhere).
            let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("started by cargo");
            let docs = Path::new(&crate_dir).join("../../docs/screenshots");
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::write(docs.join(format!("{name}.png")), &png).unwrap();
        }
        png
    }

    /// The app window's picture as the X server shows it: `xwininfo` says where its
    /// inside is, Pillow's `ImageGrab` takes the pixels. WebKitWebDriver's own
    /// screenshot never returns when WebKit draws without accelerated compositing,
    /// which is how the app runs.
    fn grab_window(&self) -> Vec<u8> {
        let x = |program: &str, args: &[&str]| {
            String::from_utf8_lossy(&run_on(&self.display, program, args)).into_owned()
        };
        // The window whose process the driver started (wmctrl -lp: id, desktop, pid, …).
        let driver = self.driver.pid();
        let window = x("wmctrl", &["-lp"])
            .lines()
            .find_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let pid = fields.get(2)?.parse().ok()?;
                descends_from(pid, driver).then(|| fields[0].to_owned())
            })
            .expect("the app's window");
        let info = x("xwininfo", &["-id", &window]);
        let number = |label: &str| -> i64 {
            info.lines()
                .find_map(|l| l.trim().strip_prefix(label))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| panic!("{label} in {info}"))
        };
        let (left, top) = (
            number("Absolute upper-left X:"),
            number("Absolute upper-left Y:"),
        );
        let (width, height) = (number("Width:"), number("Height:"));
        let python = std::env::var("PIAOJIA_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = format!(
            "import sys; from PIL import ImageGrab; \
             ImageGrab.grab(bbox=({left}, {top}, {}, {})).save(sys.stdout.buffer, 'PNG')",
            left + width,
            top + height
        );
        run_on(&self.display, &python, &["-c", &script])
    }

    /// Picks `value` in the `<select>` matching `css`, as a person's choice fires
    /// its change event.
    pub async fn choose(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        self.client
            .execute(
                "const select = document.querySelector(arguments[0]);
                 select.value = arguments[1];
                 select.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![css.into(), value.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("choose {value} in {css}: {e}"));
    }

    /// Closes the message shown (if any), so that the next one is read alone.
    pub async fn close_message(&self) {
        self.client
            .execute(
                "document.querySelector('[data-testid=toast] button[aria-label]')?.click();",
                vec![],
            )
            .await
            .unwrap();
    }

    /// The value of the field matching `css`.
    pub async fn value_of(&self, css: &str) -> String {
        let value = self
            .client
            .execute(
                "return document.querySelector(arguments[0]).value;",
                vec![css.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("value of {css}: {e}"));
        value.as_str().unwrap_or_default().to_string()
    }

    /// How many elements match `css`.
    pub async fn count(&self, css: &str) -> usize {
        let n = self
            .client
            .execute(
                "return document.querySelectorAll(arguments[0]).length;",
                vec![css.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("count {css}: {e}"));
        n.as_u64().unwrap_or_default() as usize
    }

    /// Presses `key` on the keyboard: it goes to whatever has the focus.
    pub async fn press(&self, key: fantoccini::key::Key) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let value: char = key.into();
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        self.client
            .perform_actions(keys)
            .await
            .unwrap_or_else(|e| panic!("press {key:?}: {e}"));
    }

    /// Presses Tab until the focus is on what matches `css` (at most `limit` times),
    /// as a person without a mouse gets there.
    pub async fn tab_to(&self, css: &str, limit: usize) {
        for _ in 0..limit {
            let there = self
                .client
                .execute(
                    "return !!document.activeElement && document.activeElement.matches(arguments[0]);",
                    vec![css.into()],
                )
                .await
                .unwrap();
            if there == serde_json::json!(true) {
                return;
            }
            self.press(fantoccini::key::Key::Tab).await;
        }
        panic!("Tab never reached {css}");
    }

    /// The serious and critical accessibility violations axe-core (the npm package the
    /// UI installs) finds on the screen shown now, each as "rule: where".
    pub async fn axe(&self) -> Vec<String> {
        let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("started by cargo");
        let source = std::fs::read_to_string(
            Path::new(&crate_dir).join("../../ui/node_modules/axe-core/axe.min.js"),
        )
        .expect("axe-core is installed with the UI's npm packages");
        self.client
            .execute(&format!("{source}\nreturn typeof window.axe;"), vec![])
            .await
            .expect("axe-core loads in the page");
        let found = self
            .client
            .execute_async(
                "const done = arguments[0];
                 axe.run(document, { resultTypes: ['violations'] }).then(r => done(
                   r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))),
                   e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("axe-core runs");
        serde_json::from_value(found).expect("a list of violations")
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
        drop(self.driver);
    }
}

/// What the QR code in a screenshot says, read by zbarimg (empty when there is none).
/// WebKitWebDriver's element screenshots come out black, so it reads the window's.
pub fn qr_in(png: &[u8]) -> String {
    let dir = tempfile::TempDir::new().unwrap();
    let image = dir.path().join("screen.png");
    std::fs::write(&image, png).unwrap();
    let output = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&image)
        .output()
        .expect("zbarimg is installed by the test command");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

pub async fn read_attr(client: &Client, css: &str, name: &str) -> Option<String> {
    client
        .find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()
        .flatten()
}

/// The text content of the first element matching `css` (WebKitWebDriver's element
/// text comes back empty for CJK text).
pub async fn read_text(client: &Client, css: &str) -> Option<String> {
    let value = client
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
            vec![css.into()],
        )
        .await
        .ok()?;
    value.as_str().map(str::to_string)
}

/// Runs `program` with `args` on X display `display`; its output. It must succeed.
fn run_on(display: &str, program: &str, args: &[&str]) -> Vec<u8> {
    let output = Command::new(program)
        .args(args)
        .env("DISPLAY", display)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(output.status.success(), "{program} {args:?}: {output:?}");
    output.stdout
}

/// A process's name and its parent's id, from `/proc/<pid>/stat`
/// ("pid (name) state ppid …"; the name may hold spaces and parentheses).
pub fn process_stat(pid: u32) -> Option<(String, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1.to_owned();
    let parent = rest.split_whitespace().nth(1)?.parse().ok()?;
    Some((name, parent))
}

/// Whether process `pid` is `ancestor` or started, through others, by it.
fn descends_from(mut pid: u32, ancestor: u32) -> bool {
    while pid > 1 {
        if pid == ancestor {
            return true;
        }
        match process_stat(pid) {
            Some((_, parent)) => pid = parent,
            None => return false,
        }
    }
    false
}

/// Where an app started by a test keeps its wallet, settings, log and anything it
/// puts in its home: all inside the test's own folder.
fn app_env(home: &Path) -> [(&'static str, PathBuf); 4] {
    [
        ("PIAOJIA_WALLET", home.join("wallet")),
        ("PIAOJIA_CONFIG_DIR", home.join("config")),
        ("XDG_STATE_HOME", home.join("state")),
        ("HOME", home.to_path_buf()),
    ]
}

/// A screen of its own (Xvfb, with openbox to manage full-screen windows) of another
/// size than the test display's 1280×800: a kiosk's portrait screen.
pub struct Screen {
    /// The `DISPLAY` to start a window on.
    pub display: String,
    _window_manager: Running,
    _server: Running,
}

impl Screen {
    pub fn start(width: u32, height: u32) -> Screen {
        let mut server = Command::new("Xvfb");
        server.args([
            "-displayfd",
            "1",
            "-nolisten",
            "tcp",
            "-screen",
            "0",
            &format!("{width}x{height}x24"),
        ]);
        let server = Running::start(server);
        // -displayfd writes the display's number once it accepts clients.
        let number = server.wait_for_line("", 30).trim().to_string();
        let display = format!(":{number}");
        let mut window_manager = Command::new("openbox");
        window_manager.env("DISPLAY", &display);
        let window_manager = Running::start(window_manager);
        std::thread::sleep(Duration::from_millis(500));
        Screen {
            display,
            _window_manager: window_manager,
            _server: server,
        }
    }
}

/// A top-level window as the window manager has it: its id and frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedWindow {
    pub id: String,
    /// x, y, width, height as `wmctrl -lG` gives them.
    pub frame: [i64; 4],
}

impl Screen {
    /// Runs `program` (wmctrl, xprop) on this screen; its output.
    pub fn ask(&self, program: &str, args: &[&str]) -> String {
        String::from_utf8_lossy(&run_on(&self.display, program, args)).into_owned()
    }

    /// The windows on this screen.
    pub fn windows(&self) -> Vec<ManagedWindow> {
        self.ask("wmctrl", &["-lG"])
            .lines()
            .map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let number = |i: usize| fields[i].parse::<i64>().expect("a number");
                ManagedWindow {
                    id: fields[0].to_owned(),
                    frame: [number(2), number(3), number(4), number(5)],
                }
            })
            .collect()
    }

    /// Waits until `check` holds for the screen's windows; them.
    pub fn wait_for_windows(
        &self,
        what: &str,
        check: impl Fn(&[ManagedWindow]) -> bool,
    ) -> Vec<ManagedWindow> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let windows = self.windows();
            if check(&windows) {
                return windows;
            }
            assert!(Instant::now() < deadline, "{what}: never so; {windows:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `xprop` of `property` on `window` (or the root, for `None`)
    /// contains `wanted`.
    pub fn wait_for_property(&self, window: Option<&str>, property: &str, wanted: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let args = match window {
                Some(id) => vec!["-id", id, property],
                None => vec!["-root", property],
            };
            let value = self.ask("xprop", &args);
            if value.contains(wanted) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{property} never had {wanted:?}: {value}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The CUPS-PDF queue the test command starts cupsd with.
pub fn test_printer() -> String {
    std::env::var("PIAOJIA_TEST_PRINTER")
        .expect("the test command starts cupsd with a queue and names it")
}

/// A printer stopped (`cupsdisable`) until this is dropped (`cupsenable`), so that a
/// failing test leaves the queue as it found it.
pub struct StoppedPrinter(String);

impl StoppedPrinter {
    pub fn stop(printer: &str) -> StoppedPrinter {
        cups("cupsdisable", printer);
        StoppedPrinter(printer.to_string())
    }
}

impl Drop for StoppedPrinter {
    fn drop(&mut self) {
        cups("cupsenable", &self.0);
    }
}

fn cups(verb: &str, printer: &str) {
    let ok = Command::new(verb).arg(printer).status().unwrap();
    assert!(ok.success(), "{verb} {printer}");
}

/// The desktop app binary next to this test's binary.
pub fn app_binary() -> PathBuf {
    binary("piaojia-desktop")
}
