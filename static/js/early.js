// Read before the page is drawn: with JavaScript on, the phone menu starts folded (static/css/app.css).
document.documentElement.classList.add("js");
