import { mount } from "svelte";
import App from "./App.svelte";
import Kiosk from "./kiosk/Kiosk.svelte";
import "./styles.css";

// The shell sets this flag in kiosk mode (`piaojia-desktop --kiosk CONFIG`).
const kiosk = (window as unknown as { __PIAOJIA_KIOSK__?: boolean }).__PIAOJIA_KIOSK__ === true;
mount(kiosk ? Kiosk : App, { target: document.getElementById("app")! });
