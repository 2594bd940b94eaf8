/**
 * The dashboard's stylesheet, inlined into the page (allowed by its hash in the CSP). Colours
 * are variables with a dark set for `prefers-color-scheme: dark`; every state has its own
 * colour AND its own symbol, so no state is told by colour alone. Text colours keep at least
 * 4.5:1 contrast against their backgrounds.
 */
export const DASHBOARD_STYLE = `
:root{color-scheme:light dark;
--bg:#f6f7f9;--panel:#fff;--text:#1f2328;--muted:#59636e;--line:#d1d9e0;--line-soft:#e6eaef;--accent:#0b57d0;--focus:#0b57d0;
--btn:#f6f8fa;--btn-hover:#eef1f4;--danger:#b42318;--danger-bg:#fff1f0;
--ok:#116329;--ok-bg:#dafbe1;--warn:#7d4e00;--warn-bg:#fff4d4;--bad:#a40e26;--bad-bg:#ffebe9;--off:#4b535d;--off-bg:#eaeef2;--sleep:#6639ba;--sleep-bg:#f3eefe;--info:#0a4fa8;--info-bg:#ddf4ff;
--log-bg:#0d1117;--log-text:#e6edf3;--log-err:#ffa198}
@media (prefers-color-scheme:dark){:root{
--bg:#0d1117;--panel:#151b23;--text:#e6edf3;--muted:#9198a1;--line:#3d444d;--line-soft:#262c36;--accent:#4493f8;--focus:#4493f8;
--btn:#212830;--btn-hover:#2a313c;--danger:#ff7b72;--danger-bg:#2d1517;
--ok:#56d364;--ok-bg:#12261e;--warn:#e3b341;--warn-bg:#2b2111;--bad:#ff7b72;--bad-bg:#2d1517;--off:#b1bac4;--off-bg:#262c36;--sleep:#bc8cff;--sleep-bg:#231a37;--info:#79c0ff;--info-bg:#0c2d4f;
--log-bg:#010409;--log-text:#e6edf3;--log-err:#ffa198}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
a{color:var(--accent)}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
header.top{position:sticky;top:0;z-index:2;background:var(--panel);border-bottom:1px solid var(--line);padding:.6rem 1.25rem;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center}
header.top h1{font-size:18px;margin:0;letter-spacing:.02em}
header.top h1 span{color:var(--muted);font-weight:400}
.summary{display:flex;gap:.75rem;flex-wrap:wrap;color:var(--muted)}
.summary b{color:var(--text)}
.live{margin-left:auto;display:flex;align-items:center;gap:.4rem;color:var(--muted)}
.live::before{content:"";width:.6rem;height:.6rem;border-radius:50%;background:var(--off)}
.live[data-live=yes]::before{background:var(--ok)}
.live[data-live=no]::before{background:var(--bad)}
.controls{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;padding:.75rem 1.25rem 0}
.controls label{color:var(--muted);display:flex;gap:.35rem;align-items:center}
input,select,button,.button{font:inherit;color:var(--text)}
input[type=search],select{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.3rem .5rem}
input[type=search]{min-width:16rem}
.shown{color:var(--muted)}
main{padding:.5rem 1.25rem 3rem}
main.with-logs{padding-bottom:calc(45vh + 2rem)}
.empty{background:var(--panel);border:1px dashed var(--line);border-radius:8px;padding:2rem;text-align:center;color:var(--muted)}
section.repo{margin-top:1rem;background:var(--panel);border:1px solid var(--line);border-radius:8px;overflow-x:auto}
section.repo h2{font-size:15px;margin:0;padding:.55rem .9rem;border-bottom:1px solid var(--line);display:flex;gap:.6rem;align-items:baseline}
section.repo h2 small{color:var(--muted);font-weight:400;font-size:13px}
table{border-collapse:collapse;width:100%;table-layout:fixed;min-width:44rem}
th.col-state{width:10rem}th.col-urls{width:16rem}th.col-usage{width:6.5rem}th.col-attached{width:9.5rem}th.col-actions{width:15.5rem}
th{font-size:12px;font-weight:600;color:var(--muted);text-align:left;padding:.35rem .7rem;border-bottom:1px solid var(--line-soft);white-space:nowrap}
td{padding:.45rem .7rem;border-bottom:1px solid var(--line-soft);vertical-align:top}
tbody tr:last-child td{border-bottom:0}
tr[data-status] td:first-child{box-shadow:inset 3px 0 0 var(--tone)}
.title{display:flex;flex-wrap:wrap;gap:0 .6rem;align-items:baseline}
.branch{font-weight:600;word-break:break-all}
.wsid{color:var(--muted);font-size:12px;word-break:break-all}
.commit{color:var(--muted);margin-top:.1rem;display:flex;gap:.3rem;align-items:baseline;white-space:nowrap;overflow:hidden}
.commit code{color:var(--text)}
.subject{min-width:0;flex:0 1 auto;overflow:hidden;text-overflow:ellipsis}
.age{flex:none}
.dirty{font-size:12px;font-weight:600;color:var(--warn);background:var(--warn-bg);border-radius:4px;padding:0 .35rem}
.clean{font-size:12px;color:var(--muted)}
.badge{display:inline-flex;gap:.35rem;align-items:center;white-space:nowrap;border-radius:999px;padding:.1rem .55rem;font-size:12.5px;font-weight:600;color:var(--tone);background:var(--tone-bg)}
.badge::before{content:var(--glyph);font-size:11px}
[data-status=serving]{--tone:var(--ok);--tone-bg:var(--ok-bg);--glyph:"\\25CF"}
[data-status=partly-serving]{--tone:var(--warn);--tone-bg:var(--warn-bg);--glyph:"\\25D0"}
[data-status=not-listening]{--tone:var(--warn);--tone-bg:var(--warn-bg);--glyph:"\\25CB"}
[data-status=checking]{--tone:var(--info);--tone-bg:var(--info-bg);--glyph:"\\2026"}
[data-status=setting-up]{--tone:var(--info);--tone-bg:var(--info-bg);--glyph:"\\21BB"}
[data-status=setup-failed]{--tone:var(--bad);--tone-bg:var(--bad-bg);--glyph:"\\2715"}
[data-status=dead]{--tone:var(--bad);--tone-bg:var(--bad-bg);--glyph:"\\2715"}
[data-status=sleeping]{--tone:var(--sleep);--tone-bg:var(--sleep-bg);--glyph:"\\263E"}
[data-status=stopped]{--tone:var(--off);--tone-bg:var(--off-bg);--glyph:"\\25A0"}
[data-status=paused]{--tone:var(--warn);--tone-bg:var(--warn-bg);--glyph:"\\2016"}
[data-status=restarting]{--tone:var(--info);--tone-bg:var(--info-bg);--glyph:"\\21BB"}
.note{display:block;margin-top:.2rem;font-size:12px;color:var(--muted)}
.busy{display:block;margin-top:.3rem;font-size:12px;color:var(--info)}
ul.ports,ul.attached{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.15rem}
.port{display:flex;gap:.35rem;align-items:baseline}
.port a{overflow-wrap:break-word}
.port small{white-space:nowrap}
.port::before{content:"";flex:none;align-self:center;width:.55rem;height:.55rem;border-radius:50%;border:2px solid var(--off)}
.port[data-answers=yes]::before{background:var(--ok);border-color:var(--ok)}
.port[data-answers=no]::before{border-color:var(--bad)}
.port small{color:var(--muted)}
.usage{white-space:nowrap;color:var(--muted);font-size:13px}
.usage b{display:block}
.usage b{color:var(--text);font-weight:500}
button,.button{display:inline-flex;align-items:center;gap:.3rem;background:var(--btn);border:1px solid var(--line);border-radius:6px;padding:.15rem .5rem;cursor:pointer;text-decoration:none;font-size:13px;white-space:nowrap}
button:hover,.button:hover{background:var(--btn-hover)}
button:disabled,button[aria-disabled=true]{opacity:.55;cursor:default}
button.danger{color:var(--danger)}
button.danger:hover{background:var(--danger-bg)}
button.chip{border-radius:999px;font-size:12px;padding:.05rem .5rem}
.chip::before{content:"";width:.5rem;height:.5rem;border-radius:50%;background:var(--off)}
.chip[data-state=running]::before{background:var(--ok)}
.chip[data-state=exited]::before,.chip[data-state=dead]::before{background:var(--bad)}
.actions{display:flex;flex-wrap:nowrap;gap:.3rem;justify-content:flex-end}
td[data-col=actions]{width:1%}
.none{color:var(--muted)}
#logs{position:fixed;left:0;right:0;bottom:0;height:45vh;z-index:3;display:flex;flex-direction:column;background:var(--log-bg);color:var(--log-text);border-top:2px solid var(--line)}
#logs[hidden]{display:none}
#logs header{display:flex;gap:.6rem;align-items:center;padding:.4rem .9rem;border-bottom:1px solid #30363d}
#logs h2{font-size:14px;margin:0;flex:1}
#logs label{color:#c9d1d9;display:flex;gap:.3rem;align-items:center}
#logs button{background:#21262d;color:#e6edf3;border-color:#30363d}
#log-state{color:#9198a1;font-size:12.5px}
#log-output{flex:1;margin:0;overflow:auto;padding:.6rem .9rem;font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
#log-output .err{color:var(--log-err)}
#toasts{position:fixed;right:1rem;top:4.2rem;z-index:4;display:flex;flex-direction:column;gap:.4rem;max-width:32rem}
.toast{background:var(--panel);border:1px solid var(--line);border-left:4px solid var(--ok);border-radius:6px;padding:.5rem .75rem;box-shadow:0 4px 14px rgba(0,0,0,.15)}
.toast.error{border-left-color:var(--bad)}
dialog{border:1px solid var(--line);border-radius:10px;background:var(--panel);color:var(--text);max-width:34rem;padding:1.2rem 1.4rem}
dialog::backdrop{background:rgba(0,0,0,.45)}
dialog h2{margin:0 0 .6rem;font-size:17px}
dialog p{margin:.4rem 0}
dialog .refusal{background:var(--bad-bg);color:var(--bad);border-radius:6px;padding:.5rem .7rem;word-break:break-word}
dialog .buttons{display:flex;justify-content:flex-end;gap:.5rem;margin-top:1rem}
dialog input{width:100%;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.35rem .5rem}
dialog button.confirm{background:var(--danger);color:#fff;border-color:var(--danger)}
@media (prefers-color-scheme:dark){dialog button.confirm{color:#0d1117}}
@media (max-width:900px){th.hide-narrow,td.hide-narrow{display:none}}
`;
