# Exercises the whole API of ruby-augeas (Debian's ruby-augeas 0.5.0, a C extension linked
# against libaugeas.so.0), as its README's examples use it, and prints what each call gave.
# The test runs it on the real library and on aug-rs's and compares the output.
#
# Usage: ruby ruby_augeas.rb ROOT   (ROOT: a scratch copy of testroot/)
require 'augeas'

ROOT = ARGV[0] or abort "usage: ruby_augeas.rb ROOT"
$stdout.sync = true

def fmt(v)
  v.inspect.gsub(ROOT, 'ROOT')
end

def show(aug, what)
  r = yield
  puts "#{what} -> #{fmt(r)}"
  err = aug.error
  puts "  error #{fmt(err)}" if err[:code] != 0
rescue StandardError => e
  puts "#{what} raised #{e.class}: #{e.message.gsub(ROOT, 'ROOT')}"
end

Augeas::open(ROOT) do |aug|
  show(aug, 'get') { aug.get('/files/etc/hosts/1/ipaddr') }
  show(aug, 'get missing') { aug.get('/files/etc/hosts/99/ipaddr') }
  show(aug, 'get several') { aug.get('/files/etc/hosts/*/ipaddr') }
  show(aug, 'get bad path') { aug.get('/files/etc/hosts/1/ipaddr[') }
  show(aug, 'exists') { aug.exists('/files/etc/hosts/1') }
  show(aug, 'exists missing') { aug.exists('/files/etc/hosts/99') }
  show(aug, 'label') { aug.label('/files/etc/hosts/1') }
  show(aug, 'match') { aug.match("/files/etc/hosts/*[ipaddr =~ regexp('10\\..*')]") }
  show(aug, 'match none') { aug.match('/files/nothing') }
  show(aug, 'match bad') { aug.match('/files[') }
  show(aug, 'set') { aug.set('/files/etc/hosts/1/alias[last()+1]', 'rb-alias', 'rb-alias2') }
  show(aug, 'set several') { aug.set('/files/etc/hosts/*/ipaddr', '1.1.1.1') }
  show(aug, 'set!') { aug.set!('/files/etc/hosts/*/ipaddr', '1.1.1.1') }
  show(aug, 'setm') { aug.setm("/files/etc/hosts/*[ipaddr =~ regexp('10\\..*')]", '#comment', 'ten') }
  show(aug, 'clear') { aug.clear('/rb/cleared') }
  show(aug, 'cleared') { aug.get('/rb/cleared') }
  show(aug, 'clearm') { aug.set('/rb/m/a', '1'); aug.set('/rb/m/b', '2'); aug.clearm('/rb/m', '*') }
  show(aug, 'clearm result') { aug.get('/rb/m/a') }
  show(aug, 'touch') { aug.set('/rb/t', 'kept'); aug.touch('/rb/t'); aug.touch('/rb/new') }
  show(aug, 'touch result') { [aug.get('/rb/t'), aug.exists('/rb/new')] }
  show(aug, 'defvar') { aug.defvar('h', '/files/etc/hosts/*[ipaddr]') }
  show(aug, 'defvar bad') { aug.defvar('b', '/files[') }
  show(aug, 'match $h') { aug.match('$h').size }
  show(aug, 'defnode') { aug.defnode('n', '/rb/node', 'made') }
  show(aug, 'defnode again') { aug.defnode('n', '/rb/node', 'again') }
  show(aug, 'get $n') { aug.get('$n') }
  show(aug, 'list') { aug.set('/rb/list/b', '2') }
  show(aug, 'insert before') { aug.insert('/rb/list/b', 'a', true) }
  show(aug, 'insert after') { aug.insert('/rb/list/b', 'c', false) }
  show(aug, 'insert several') { aug.insert('/files/etc/hosts/*', 'x', false) }
  show(aug, 'children') { aug.match('/rb/list/*') }
  show(aug, 'rm') { aug.rm('/rb/list') }
  show(aug, 'rm none') { aug.rm('/nothing') }
  show(aug, 'mv') { aug.mv('/rb/node', '/rb/moved') }
  show(aug, 'mv missing') { aug.mv('/rb/nothing', '/rb/x') }
  show(aug, 'mv into self') { aug.mv('/rb/moved', '/rb/moved/x') }
  show(aug, 'rename') { aug.rename('/rb/moved', 'renamed') }
  show(aug, 'rename bad') { aug.rename('/rb/renamed', 'a/b') }
  show(aug, 'raw') { aug.set('/raw/hosts', "192.168.0.1 gw router\n") }
  show(aug, 'text_store') { aug.text_store('Hosts.lns', '/raw/hosts', '/parsed') }
  show(aug, 'parsed') { aug.get('/parsed/1/canonical') }
  show(aug, 'text_store bad lens') { aug.text_store('Nope.lns', '/raw/hosts', '/p2') }
  show(aug, 'text_retrieve') { aug.text_retrieve('Hosts.lns', '/raw/hosts', '/parsed', '/out') }
  show(aug, 'out') { aug.get('/out') }
  show(aug, 'text_retrieve missing') { aug.text_retrieve('Hosts.lns', '/raw/nothing', '/parsed', '/out') }
  show(aug, 'srun') { aug.srun("get /files/etc/hosts/1/canonical\nmatch /files/etc/hosts/1/*\n") }
  show(aug, 'srun error') { aug.srun("get /x\nnosuchcommand\n") }
  show(aug, 'srun quit') { aug.srun("get /x\nquit\nget /y\n") }
  show(aug, 'context=') { aug.context = '/files/etc/hosts' }
  show(aug, 'relative get') { [aug.context, aug.get('1/canonical')] }
  show(aug, 'context back') { aug.context = '/files' }
  show(aug, 'save') { aug.save }
  show(aug, 'hosts line') { File.readlines("#{ROOT}/etc/hosts")[3] }
  show(aug, 'set bad uid') { aug.set('/files/etc/passwd/root/uid', 'abc') }
  show(aug, 'save failing') { aug.save }
  show(aug, 'save!') { aug.save! }
  show(aug, 'error node') { aug.get('/augeas/files/etc/passwd/error') }
  show(aug, 'load') { aug.load }
  show(aug, 'load!') { aug.load! }
  show(aug, 'uid after load') { aug.get('/files/etc/passwd/root/uid') }
  show(aug, 'transform') { aug.transform(:lens => 'Hosts', :incl => '/etc/hosts.extra', :excl => '*.bak') }
  show(aug, 'transform no lens') { aug.transform(:incl => '/etc/x') }
  show(aug, 'transform nodes') { aug.match('/augeas/load/Hosts/*').map { |p| [p, aug.get(p)] } }
  show(aug, 'clear_transforms') { aug.clear_transforms }
  show(aug, 'load after clear') { aug.load; aug.match('/files/etc/*') }
end

Augeas::open(ROOT, nil, Augeas::ENABLE_SPAN) do |aug|
  show(aug, 'span') { aug.span('/files/etc/hosts/1/ipaddr') }
  show(aug, 'span missing') { aug.span('/files/nothing') }
  show(aug, 'span none') { aug.span('/augeas') }
end

[Augeas::NONE, Augeas::SAVE_BACKUP, Augeas::SAVE_NEWFILE, Augeas::SAVE_NOOP,
 Augeas::NO_LOAD | Augeas::NO_MODL_AUTOLOAD].each do |flags|
  Augeas::open(ROOT, nil, flags) do |aug|
    show(aug, "flags #{flags} save mode") { aug.get('/augeas/save') }
    show(aug, "flags #{flags} files") { aug.match('/files/etc/*').size }
  end
end

aug = Augeas::open(ROOT, nil, Augeas::NO_LOAD)
aug.close
begin
  aug.get('/augeas/root')
rescue SystemCallError => e
  puts "after close: #{e.class}"
end
