"""A landing page written for these tests: one section of every kind the Stackbit
themes write, a theme's own type name, a type Folio does not know, and keys Folio
does not use (which must all come back)."""

import yaml

LANDING = """\
title: Работа с нами
template: advanced
sections:
  - section_id: hero
    type: section_hero
    title: Everything in one place
    subtitle: Один сайт — 一つのサイト
    content: Markdown **text** in the hero.
    image: images/hero.jpg
    image_alt: A hero picture
    animation: fade-in
    actions:
      - label: Try it
        url: /signup
        style: primary
        new_window: true
      - label: Read more
        url: /legal/terms
      - label: Sneaky
        url: javascript:alert(1)
  - type: content_section
    section_id: story
    title: Our story
    content: A paragraph of _content_.
    image: https://cdn.elsewhere.example/pic.jpg
    image_position: left
  - type: section_grid
    section_id: features
    title: Features
    grid_items:
      - title: Fast
        content: Really **fast**.
        image: images/fast.png
        actions:
          - label: Learn more
            url: /blog/hello
      - title: Unicode ✓
        content: Ünïcödé and 中文.
        icon: bolt
      - just a string item
    background: gray
  - type: section_cta
    title: Ready when you are
    subtitle: Join today.
    actions:
      - label: Sign up
        url: https://app.example.com/signup
  - type: section_posts
    title: Latest writing
    posts_number: 2
  - type: section_pricing
    title: Plans
    pricing_plans:
      - title: Basic
        price: $5/month
        details: |-
          - One site
          - Email support
        actions:
          - label: Buy Basic
            url: /signup
      - title: Pro
        price: $49/month
        highlight: true
        details:
          - Ten sites
          - Phone support
  - type: section_faq
    title: Questions
    faq_items:
      - question: Is it free?
        answer: No, but it is **cheap**.
      - question: Вопрос?
        answer: Ответ.
  - type: section_reviews
    title: Reviews
    reviews:
      - author: Jane Roe
        avatar: images/jane.jpg
        content: Lovely product.
      - author: 山田 花子
        title: Gardener
        content: 素晴らしい。
  - section_id: contact
    type: section_form
    title: Write to us
    content: We answer within a day.
    form_id: contact
    form_action: /thank-you
    form_fields:
      - input_type: text
        name: name
        label: Name
        is_required: true
      - input_type: email
        name: email
        label: Email
        is_required: true
      - input_type: select
        name: topic
        label: Topic
        options: [Sales, Support]
      - input_type: textarea
        name: message
        label: Message
        is_required: true
      - input_type: checkbox
        name: consent
        label: I agree
      - input_type: text
        name: not a name!
        label: Broken
    submit_label: Send it
  - type: section_video
    title: Watch the film
    subtitle: Two minutes long.
    content: The video is [elsewhere](https://video.example.com/1).
    image: images/hero.jpg
    video_url: https://video.example.com/1
    actions:
      - label: Watch
        url: https://video.example.com/1
"""


def write_landing(site, path="src/pages/landing.md", front_matter=LANDING):
    site.image("hero.jpg", size=(800, 450))
    site.image("fast.png", size=(200, 120), fmt="PNG")
    site.image("jane.jpg", size=(96, 96))
    return site.write(path, f"---\n{front_matter}---\nA body under the sections.\n")


def written_sections(front_matter=LANDING):
    return yaml.safe_load(front_matter)["sections"]
